"""A regional parameter as a page names it: its description, and its value in its unit."""

from __future__ import annotations

from django import template

from doudi.money import fen_to_yuan
from doudi.policy.standards import regional_parameters, unit_label

register = template.Library()


@register.filter
def parameter_name(parameter: str) -> str:
    return str(regional_parameters().get(parameter, {}).get("description", parameter))


@register.filter
def parameter_value(value: object, parameter: str) -> str:
    """``value`` as stored (fen for money) shown with its unit: "400.00 元/人/月"."""
    unit = str(regional_parameters().get(parameter, {}).get("metadata", {}).get("unit", ""))
    shown = fen_to_yuan(int(value)) if unit.startswith("fen") else str(value)
    return f"{shown} {unit_label(unit)}".strip()
