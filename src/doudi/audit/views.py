"""Pages for reading the audit trail (auditors, supervisors, administrators)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from doudi.audit import queries
from doudi.audit.actions import AuditAction
from doudi.regions.queries import place_names


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "").strip()
    object_id = request.GET.get("object", "").strip()
    events = queries.events_visible_to(request.user, action=action, object_id=object_id)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {
            "events": page,
            "places": place_names(event.region_code for event in page),
            "action": action,
            "actions": sorted(AuditAction.choices, key=lambda choice: str(choice[1])),
            "object_id": object_id,
        },
    )


@login_required
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    event = queries.event_for(request.user, seq)
    return render(
        request,
        "audit/detail.html",
        {
            "event": event,
            "places": place_names([event.region_code, event.actor_region_code, *event.place_codes]),
            "before": json.dumps(event.before, ensure_ascii=False, indent=2),
            "after": json.dumps(event.after, ensure_ascii=False, indent=2),
        },
    )
