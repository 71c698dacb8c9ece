"""The demo's supervision: a half-yearly plan with a drawn sample, a finding with its
rectification, an entry of the relatives register; loaded once."""

from __future__ import annotations

import pytest

from doudi.demo.loader import load_demo
from doudi.demo.supervision import SEED, load_demo_supervision
from doudi.payroll.tests.conftest import on_benefit, parties  # noqa: F401
from doudi.supervision.models import Finding, Plan, Rectification, RelativeDeclaration, Sample


@pytest.mark.django_db
def test_the_demo_inspection_has_a_sample_a_finding_and_a_register_entry(on_benefit, clock):  # noqa: F811
    clock.at("2026-06-15")
    load_demo()
    assert load_demo_supervision() == 3  # three recipients: the minimum of three
    plan = Plan.objects.get()
    assert plan.kind == "half_yearly" and plan.period_end.isoformat() == "2026-06-30"
    sample = Sample.objects.get()
    assert sample.seed == SEED and sample.items.filter(checked_on__isnull=False).count() == 1
    finding = Finding.objects.get()
    assert finding.severity == "serious" and Rectification.objects.get().finding == finding
    assert RelativeDeclaration.objects.get().position == "village_cadre"
    assert load_demo_supervision() == 0 and Plan.objects.count() == 1
