"""Show the coded values of the household form by their (translated) names."""

from __future__ import annotations

from django import template

from doudi.registry import choices

register = template.Library()

_CHOICES = {
    "relation": choices.Relation,
    "sex": choices.Sex,
    "hukou_type": choices.HukouType,
    "marital_status": choices.MaritalStatus,
    "disability_category": choices.DisabilityCategory,
    "self_care_level": choices.SelfCareLevel,
    "education": choices.Education,
    "employment": choices.Employment,
    "leave_reason": choices.LeaveReason,
    "excluded_reason": choices.ExclusionReason,
    "income_type": choices.IncomeType,
    "expense_type": choices.ExpenseType,
    "asset_type": choices.AssetType,
    "vehicle_type": choices.VehicleType,
}


@register.filter
def label(value: str | None, kind: str) -> str:
    """``{{ member.relation|label:"relation" }}`` → 户主."""
    if not value:
        return ""
    enum = _CHOICES[kind]
    return str(enum(value).label) if value in enum.values else value


@register.filter
def get(mapping: dict, key: str) -> object:
    """``{{ names|get:income.member }}``: a dictionary look-up by a variable key."""
    return mapping.get(key, "")
