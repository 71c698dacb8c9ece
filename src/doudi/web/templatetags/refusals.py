"""``{% field_error errors "name" %}``: the refusal of one form field, next to it."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def field_error(errors: dict[str, list[str]] | None, name: str) -> str:
    messages = (errors or {}).get(name) or []
    if not messages:
        return ""
    return format_html(
        '<div class="error" role="alert" data-field="{}">{}</div>',
        name,
        format_html_join("", "<p>{}</p>", ((message,) for message in messages)),
    )
