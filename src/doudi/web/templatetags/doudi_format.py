"""Template filters for money and masked numbers."""

from __future__ import annotations

from django import template

from doudi.money import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return "" if fen is None else fen_to_yuan(int(fen))
