"""``{% load audit_labels %}{{ code|action_label }}``: the reader's name for an audit action code,
for pages outside the audit app that show one (e.g. a household's versions); ``author``: who
made a change, the system by its name."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from doudi.audit.actions import action_label as _action_label
from doudi.audit.services import SYSTEM_ACTOR

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return _action_label(str(code))


@register.filter
def author(username: str) -> str:
    return _("the system") if username == SYSTEM_ACTOR else username
