"""Home-page counters of the registry."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.registry.models import Member
from doudi.registry.queries import households_visible_to
from doudi.web.home import Counter, register


@register
def registry_counters(user) -> list[Counter]:
    if not has_permission(user, Permission.VIEW_HOUSEHOLDS):
        return []
    url = reverse("registry:list")
    members = Member.objects.filter(household__in=households_visible_to(user), left_on__isnull=True)
    return [
        Counter(_("Households on file"), households_visible_to(user).count(), url),
        Counter(_("People in them"), members.count(), url),
    ]
