"""The demo's supervision: the county's half-yearly inspection of 修武县 for this half-year, a
sample of its recipient households drawn from a stated seed, the first item checked with a
wrong amount found and its rectification set for 示例镇, and one entry of 示例镇's relatives
register (a village cadre's father receiving 低保)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from doudi.accounts.models import User
from doudi.benefits.models import Benefit
from doudi.supervision import services
from doudi.supervision.models import Plan

COUNTY = "410821000000"
TOWNSHIP_PREFIX = "410821902"
SEED = 410821  # stated on the sample: anyone may draw it again


def load_demo_supervision() -> int:
    """Once: the plan, its sample, a finding and a register entry; the items drawn."""
    if Plan.objects.exists():
        return 0
    month = timezone.localdate().replace(day=1)
    recipient = (
        Benefit.objects.in_force(month)
        .filter(household__region__code__startswith=TOWNSHIP_PREFIX)
        .order_by("household_id")
        .first()
    )
    if recipient is None:
        return 0
    county, handler = (User.objects.get(username=name) for name in ("county", "handler"))
    today = timezone.localdate()
    first_month = 1 if today.month <= 6 else 7
    start = datetime.date(today.year, first_month, 1)
    end = (
        datetime.date(today.year, 6, 30) if first_month == 1 else datetime.date(today.year, 12, 31)
    )
    half = "上" if first_month == 1 else "下"
    plan = services.create_plan(
        county,
        kind="half_yearly",
        title=f"{today.year}年{half}半年社会救助监督检查",
        place=COUNTY,
        period_start=start,
        period_end=end,
        inspectors="县民政局 王监督、县纪委监委派驻组 李检查",
    )
    sample = services.draw_sample(
        county, plan.pk, kind="households", seed=SEED, share_percent=10, minimum=3
    )
    item = sample.items.order_by("rank").first()
    services.check_item(
        county,
        item.pk,
        documents_complete="yes",
        income_verified="yes",
        household_visited="yes",
        amount_correct="no",
        notice_posted="yes",
        procedure_followed="yes",
        note="分类施保加发部分漏算",
    )
    services.raise_item_finding(
        county,
        item.pk,
        description="抽查发现该户分类施保加发金额漏算，月发放金额少于应发金额。",
        task="重新核算并补发差额，报县民政局备案",
        severity="serious",
    )
    services.declare_relative(
        handler,
        household=recipient.household_id,
        relative_name="户主",
        relation="父亲",
        official_name="演示村干部",
        position="village_cadre",
        post="村民委员会委员",
    )
    return sample.items.count()
