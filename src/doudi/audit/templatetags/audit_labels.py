"""``{% load audit_labels %}{{ code|action_label }}``: the reader's name for an audit action code,
for pages outside the audit app that show one (e.g. a household's versions)."""

from __future__ import annotations

from django import template

from doudi.audit.actions import action_label as _action_label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return _action_label(str(code))
