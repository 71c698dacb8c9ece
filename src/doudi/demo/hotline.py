"""The demo's service hotline: four tickets of 示例镇 — an enquiry left unanswered past its
deadline and escalated to the county by the daily run, a 12345 complaint about a known
household answered and closed with the caller satisfied, a letter reporting favouritism
referred to supervision, and today's call asking for help to apply; and the township handler
on duty today."""

from __future__ import annotations

import datetime

from django.utils import timezone

from doudi.accounts.models import User
from doudi.hotline import services
from doudi.hotline.models import Ticket
from doudi.registry.models import Household
from doudi.workdays.calendar import WorkingCalendar

TOWNSHIP = "410821902000"


def _working_days_ago(count: int) -> datetime.date:
    calendar, day = WorkingCalendar.current(), timezone.localdate()
    while count:
        day -= datetime.timedelta(days=1)
        count -= calendar.is_working_day(day)
    return day


def load_demo_hotline() -> int:
    """Once: the four tickets; the number created."""
    if Ticket.objects.exists():
        return 0
    county, handler = (User.objects.get(username=name) for name in ("county", "handler"))
    household = (
        Household.objects.filter(region__code__startswith=TOWNSHIP[:9]).order_by("pk").first()
    )
    overdue = services.receive(
        handler,
        source="call",
        category="enquiry",
        content="询问低保年度复核需要准备哪些材料",
        caller_name="赵红梅",
        caller_phone="13700000001",
        township=TOWNSHIP,
        received_on=_working_days_ago(6),
    )
    services.escalate_overdue(county, county.region_id)
    complaint = services.receive(
        handler,
        source="12345",
        category="complaint",
        content="反映本月低保金未按时到账",
        caller_name="钱立新",
        caller_phone="13700000002",
        household=household.pk if household else None,
        township="" if household else TOWNSHIP,
        external_number="12345-2026-000731",
        received_on=_working_days_ago(2),
    )
    services.close(
        handler,
        complaint.pk,
        answer="经核实，银行代发延迟一日，已于次日到账，已电话告知来电人",
        satisfaction="satisfied",
    )
    letter = services.receive(
        handler,
        source="letter",
        category="report",
        content="来信反映某村干部亲属不符合条件仍享受低保",
        township=TOWNSHIP,
        received_on=_working_days_ago(1),
    )
    services.refer_to_supervision(handler, letter.pk, note="涉及村干部近亲属，移交监督检查")
    services.receive(
        handler,
        source="call",
        category="application_help",
        content="家中老人重病，询问能否申请临时救助",
        caller_name="孙国庆",
        caller_phone="13700000003",
        township=TOWNSHIP,
    )
    services.schedule_duty(
        handler, day=timezone.localdate(), staff=handler.username, hours="08:30–17:30"
    )
    return 4 if overdue.pk else 0
