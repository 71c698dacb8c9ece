"""Disaster relief pages: the events and waves, an event (its figures, reports and relief
grants), a wave (its figures and list), the steps' forms read from ``steps.STEPS``, and the Excel
exports. Refusals are shown above the page the step returns to, naming the field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.disaster import exports, queries, steps
from doudi.disaster.models import Event, EventKind, ImpactReport, ResponseLevel, Wave, WaveEntry
from doudi.disaster.services import transitional_rows
from doudi.errors import DoudiError
from doudi.money import yuan_to_fen
from doudi.regions.codes import Level
from doudi.regions.queries import place_choices
from doudi.spreadsheets import xlsx_response
from doudi.web.refusals import labelled_messages, refuse

FIELD_LABELS = {
    "kind": gettext_lazy("kind of disaster"),
    "name": gettext_lazy("name"),
    "started_on": gettext_lazy("started on"),
    "ended_on": gettext_lazy("ended on"),
    "response_level": gettext_lazy("emergency response"),
    "places": gettext_lazy("places"),
    "winter_of": gettext_lazy("winter of"),
    "household": gettext_lazy("household number"),
    "persons_affected": gettext_lazy("persons affected"),
    "injured": gettext_lazy("members injured"),
    "dead": gettext_lazy("members dead or missing"),
    "note": gettext_lazy("note"),
    "reason": gettext_lazy("reason"),
    "amount": gettext_lazy("amount per person (yuan)"),
    "in_force_on": gettext_lazy("receiving on"),
    "per_person": gettext_lazy("assessed per person (yuan)"),
    "persons": gettext_lazy("persons"),
    "event": gettext_lazy("disaster event"),
    "state": gettext_lazy("state"),
    "shares": gettext_lazy("list"),
}
# The pages take yuan; the steps (and the API) take fen.
YUAN_FIELDS = {"amount": "amount_fen", "per_person": "per_person_fen"}


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "disaster/list.html",
        {
            "events": queries.events_visible_to(user)[:100],
            "waves": queries.waves_visible_to(user)[:50],
            "steps": steps.offered(user, steps.NOTHING),
            "kinds": EventKind.choices,
            "levels": ResponseLevel.choices,
            "places": place_choices(user, (Level.TOWNSHIP, Level.VILLAGE)),
            "today": timezone.localdate().isoformat(),
            "this_winter": timezone.localdate().year,
        },
    )


@login_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    user = request.user
    event = queries.event_for(user, event_id)
    reports = list(queries.reports_of(user, event).order_by("state", "region_id", "id")[:500])
    event_steps = steps.offered(user, steps.EVENT, event)
    pending = []
    if any(s.name == "transitional_grant" for s in event_steps):
        pending = transitional_rows(user, event)
    return render(
        request,
        "disaster/event.html",
        {
            "event": event,
            "places": event.places.select_related("region"),
            "figures": queries.event_figures(user, event),
            "reports": [(r, steps.offered(user, steps.REPORT, r)) for r in reports],
            "steps": {s.name: s for s in event_steps},
            "pending": {"households": len(pending), "total_fen": sum(a for _r, a in pending)},
            "grants": queries.relief_grants(user, event=event),
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
def wave_detail(request: HttpRequest, wave_id: int) -> HttpResponse:
    user = request.user
    wave = queries.wave_for(user, wave_id)
    entries = queries.entries_of(user, wave).annotate(listed=Count("persons"))[:500]
    return render(
        request,
        "disaster/wave.html",
        {
            "wave": wave,
            "figures": queries.wave_figures(user, wave),
            "entries": [(e, steps.offered(user, steps.ENTRY, e)) for e in entries],
            "steps": {s.name: s for s in steps.offered(user, steps.WAVE, wave)},
            "events": queries.events_visible_to(user)[:50],
            "grants": queries.relief_grants(user, wave=wave),
        },
    )


def _back(name: str, object_id: int | None, result: object) -> HttpResponse:
    if isinstance(result, Event):
        return redirect("disaster:event", result.pk)
    if isinstance(result, Wave):
        return redirect("disaster:wave", result.pk)
    step = steps.BY_NAME.get(name)
    if step is not None and step.on == steps.WAVE and object_id is not None:
        return redirect("disaster:wave", object_id)
    if step is not None and step.on == steps.EVENT and object_id is not None:
        return redirect("disaster:event", object_id)
    if isinstance(result, ImpactReport):
        return redirect("disaster:event", result.event_id)
    return redirect("disaster:list")


def _page_data(request: HttpRequest):
    data = request.POST.copy()
    for typed, fen in YUAN_FIELDS.items():
        if data.get(typed, "").strip():
            data[fen] = str(yuan_to_fen(data[typed], field=typed))
    return data


def _back_on_refusal(request: HttpRequest, name: str, object_id: int | None) -> HttpResponse:
    step = steps.BY_NAME.get(name)
    if object_id is not None and step is not None and step.on == steps.REPORT:
        report = ImpactReport.objects.filter(pk=object_id).only("event_id").first()
        if report is not None:
            return redirect("disaster:event", report.event_id)
    if object_id is not None and step is not None and step.on == steps.ENTRY:
        entry = WaveEntry.objects.filter(pk=object_id).only("wave_id").first()
        if entry is not None:
            return redirect("disaster:wave", entry.wave_id)
    return _back(name, object_id, None)


@login_required
@require_POST
def take(request: HttpRequest, name: str, object_id: int | None = None) -> HttpResponse:
    try:
        result = steps.take(request.user, name, object_id, _page_data(request))
    except DoudiError as error:
        if error.http_status != 400:
            raise  # not permitted, or not found: answered as such by the middleware
        refuse(request, *labelled_messages(error, FIELD_LABELS))
        return _back_on_refusal(request, name, object_id)
    messages.success(request, _("Done."))
    if hasattr(result, "grant_id"):
        return redirect("grants:detail", result.grant_id)
    return _back(name, object_id, result)


@login_required
def event_export(request: HttpRequest, event_id: int) -> HttpResponse:
    event = queries.event_for(request.user, event_id)
    reports = queries.reports_of(request.user, event).order_by("region_id", "household_id")
    data = exports.event_workbook(event, queries.event_figures(request.user, event), reports)
    return xlsx_response(data, f"disaster-{event.pk}.xlsx")


@login_required
def wave_export(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = queries.wave_for(request.user, wave_id)
    entries = queries.entries_of(request.user, wave).annotate(listed=Count("persons"))
    data = exports.wave_workbook(wave, queries.wave_figures(request.user, wave), entries)
    return xlsx_response(data, f"winter-spring-{wave.pk}.xlsx")
