"""The demo's disaster: a flood in 示例一村 recorded by the county three weeks ago, two impact
reports by the village worker — one verified by the township, one waiting for it — and this
season's winter–spring wave listing the verified household."""

from __future__ import annotations

import datetime

from django.utils import timezone

from doudi.accounts.models import User
from doudi.disaster import services
from doudi.disaster.models import Event
from doudi.registry.models import Household

FLOODED_VILLAGE = "410821902001"
WINTER_SPRING_PER_PERSON_FEN = 30_000


def load_demo_disaster() -> int:
    """Once: the event, its reports and the wave; the number of reports."""
    if Event.objects.exists():
        return 0
    county, village, handler = (
        User.objects.get(username=name) for name in ("county", "village", "handler")
    )
    households = list(
        Household.objects.filter(region_id=FLOODED_VILLAGE, members__left_on__isnull=True)
        .distinct()
        .order_by("pk")[:2]
    )
    if len(households) < 2:
        return 0
    today = timezone.localdate()
    event = services.create_event(
        county,
        kind="flood",
        name="示例镇“7·20”洪涝灾害",
        started_on=today - datetime.timedelta(days=21),
        ended_on=today - datetime.timedelta(days=17),
        response_level=4,
        places=[FLOODED_VILLAGE],
    )
    collapsed, no_livelihood = households
    verified = services.report_impact(
        village,
        event.pk,
        household=collapsed.pk,
        house_collapsed=True,
        persons_affected=services.members_on(collapsed.pk, event.started_on).count(),
        note="房屋倒塌，暂住亲戚家",
    )
    services.verify(handler, verified.pk, note="入户核实属实")
    services.report_impact(
        village,
        event.pk,
        household=no_livelihood.pk,
        no_livelihood=True,
        persons_affected=1,
        note="农田被淹，当季无收成",
    )
    winter_of = today.year if today.month >= 7 else today.year - 1
    wave = services.create_wave(county, winter_of=winter_of)
    services.assess_from_reports(
        handler, wave.pk, event=event.pk, per_person_fen=WINTER_SPRING_PER_PERSON_FEN
    )
    return 2
