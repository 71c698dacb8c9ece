"""Home-page counters of the registry."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.registry.queries import households_visible_to
from doudi.web.home import Counter, register


@register
def registry_counters(user) -> list[Counter]:
    if not has_permission(user, Permission.VIEW_HOUSEHOLDS):
        return []
    # Households only: counting their current members read the whole member table for a city
    # (3 s over 2.8 million rows, docs/performance.md) on the page every user opens first.
    url = reverse("registry:list")
    return [Counter(_("Households on file"), households_visible_to(user).count(), url)]
