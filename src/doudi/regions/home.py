"""Home-page counters of the place tree."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.regions.queries import counts_below
from doudi.web.home import Counter, register


@register
def place_counters(user) -> list[Counter]:
    if not has_permission(user, Permission.VIEW_REGIONS):
        return []
    counts = counts_below(user)
    url = reverse("regions:list")
    return [
        Counter(_("Townships and streets"), counts["townships"], url),
        Counter(_("Villages and communities"), counts["villages"], url),
        Counter(_("of which urban"), counts["urban"], url),
        Counter(_("of which rural"), counts["rural"], url),
    ]
