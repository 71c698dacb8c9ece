"""Home-page counter of staff accounts."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.queries import users_visible_to
from doudi.accounts.roles import Permission
from doudi.web.home import Counter, register


@register
def staff_counters(user) -> list[Counter]:
    if not has_permission(user, Permission.VIEW_USERS):
        return []
    return [
        Counter(
            _("Staff accounts"),
            users_visible_to(user).filter(is_active=True).count(),
            reverse("accounts:list"),
        )
    ]
