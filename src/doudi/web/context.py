"""Template context: which navigation links the user's role allows."""

from __future__ import annotations

from django.http import HttpRequest

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission


def navigation(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    return {
        "perms_view_users": has_permission(user, Permission.VIEW_USERS),
        "perms_view_audit": has_permission(user, Permission.VIEW_AUDIT),
        "perms_view_households": has_permission(user, Permission.VIEW_HOUSEHOLDS),
        "perms_view_payrolls": has_permission(user, Permission.VIEW_PAYROLLS),
        "perms_view_reserve_funds": has_permission(user, Permission.FUND_RESERVE)
        or has_permission(user, Permission.PAY_FROM_RESERVE),
        "perms_view_cases": has_permission(user, Permission.VIEW_CASES),
        "perms_submit_cases": has_permission(user, Permission.SUBMIT_CASES),
        "perms_view_campaigns": has_permission(user, Permission.VIEW_CAMPAIGNS),
        "perms_start_rechecks": has_permission(user, Permission.START_RECHECKS),
        "perms_view_disasters": has_permission(user, Permission.VIEW_DISASTERS),
        "perms_view_supervision": has_permission(user, Permission.VIEW_SUPERVISION),
        "perms_view_plans": has_permission(user, Permission.VIEW_PLANS),
        "perms_view_hotline": has_permission(user, Permission.VIEW_HOTLINE),
        "perms_view_medical": has_permission(user, Permission.VIEW_MEDICAL),
        "perms_run_evaluation": has_permission(user, Permission.RUN_EVALUATION),
        "perms_view_statistics": has_permission(user, Permission.VIEW_STATISTICS),
        "perms_view_department_data": has_permission(user, Permission.VIEW_DEPARTMENT_DATA),
    }
