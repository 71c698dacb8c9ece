"""A place chosen from the tree (regions.queries.place_choices), never typed as a code."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join

from doudi.regions.queries import PlaceChoice

register = template.Library()


@register.simple_tag
def place_select(
    name: str, choices: Sequence[PlaceChoice], chosen: object = "", empty: str = "", **attrs: str
) -> str:
    """A select named ``name`` of ``choices``, ``chosen`` selected; ``empty``: the label of a
    first option that chooses no place (a filter's "all", a hukou "where they live"). A list
    ``chosen`` selects each of its places (a ``multiple`` select)."""
    wanted = {str(c) for c in chosen} if isinstance(chosen, list | tuple) else {str(chosen or "")}
    options = format_html_join(
        "",
        '<option value="{}"{}{}>{}</option>',
        (
            (
                choice.code,
                " selected" if choice.code in wanted else "",
                "" if choice.selectable else " disabled",
                choice.label,
            )
            for choice in choices
        ),
    )
    first = format_html('<option value="">{}</option>', empty) if empty else ""
    extra = format_html_join("", ' {}="{}"', attrs.items())
    return format_html(
        '<select id="id_{}" name="{}"{}>{}{}</select>', name, name, extra, first, options
    )
