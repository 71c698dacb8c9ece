"""Home-page counter of recent audit events."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.audit.queries import events_visible_to
from doudi.web.home import Counter, register


@register
def audit_counters(user) -> list[Counter]:
    if not has_permission(user, Permission.VIEW_AUDIT):
        return []
    since = timezone.now() - timedelta(days=30)
    recent = events_visible_to(user).filter(occurred_at__gte=since).count()
    return [Counter(_("Audit events, last 30 days"), recent, reverse("audit:list"))]
