"""The payroll's own steps refresh its figures in their transaction: generated, the lines are
counted as not yet paid; reconciled, as paid or failed, to the fen of the payroll."""

from __future__ import annotations

import pytest

from doudi.payroll import services
from doudi.payroll.models import Payroll
from doudi.payroll.tests.conftest import APRIL, COUNTY
from doudi.payroll.tests.test_payroll import result_csv, sent
from doudi.regions.codes import Level
from doudi.statistics.models import Figure

pytestmark = pytest.mark.django_db


def _county() -> Figure:
    return Figure.objects.get(region_code=COUNTY, level=Level.COUNTY, month=APRIL)


def test_generation_and_the_bank_s_result_refresh_the_figures(parties, on_benefit, clock):
    clock.at("2026-03-25")
    april = sent(parties)
    figure = _county()
    assert (figure.pending_fen, figure.paid_fen, figure.recipients) == (april.total_fen, 0, 0)
    first = april.lines.order_by("id").first()
    services.reconcile(
        parties.bank, april.pk, result_csv(april, failed={first.pk: "卡已挂失"}), "csv"
    )
    april = Payroll.objects.get(pk=april.pk)
    figure = _county()
    assert (figure.paid_fen, figure.failed_fen, figure.pending_fen) == (
        april.paid_fen,
        april.failed_fen,
        0,
    )
    assert (figure.recipients, figure.households) == (2, 2)
    city = Figure.objects.get(region_code="410800000000", month=APRIL)
    assert city.paid_fen == april.paid_fen
