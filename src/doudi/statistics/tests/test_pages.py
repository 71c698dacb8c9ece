"""The dashboard page, the monthly report, the API and the command line: the same figures,
in Chinese, to the roles and places allowed only."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import api_as
from doudi.payroll.models import LineStatus
from doudi.statistics.models import Figure
from doudi.statistics.tests.conftest import COUNTIES, MONTHS

pytestmark = pytest.mark.django_db


def _paid(population, prefix: str, month) -> int:
    return sum(
        line.amount_fen
        for line in population.lines
        if line.region_id.startswith(prefix)
        and line.pay_month == month
        and line.status == LineStatus.PAID
    )


def test_the_county_page_shows_its_figures_and_charts_data(population, client, make_user):
    county = make_user(Role.COUNTY_APPROVER, username="reader")
    client.force_login(county)
    response = client.get(f"/statistics/{COUNTIES[0]}/?month=2026-02")
    assert response.status_code == 200
    text = response.content.decode()
    paid = _paid(population, COUNTIES[0][:6], MONTHS[1])
    assert f"{paid / 100:,.2f}" in text
    assert 'id="dashboard-data"' in text and "echarts/echarts.min.js" in text
    assert "示例镇" in text and "演示街道" in text  # its townships
    assert client.get("/statistics/").url == f"/statistics/{COUNTIES[0]}/"
    assert client.get(f"/statistics/{COUNTIES[1]}/").status_code == 404
    assert client.get("/statistics/410800000000/").status_code == 404
    assert client.get(f"/statistics/{COUNTIES[0]}/?month=2026-13").status_code == 400


def test_the_bank_and_a_village_worker_have_no_statistics(population, client, make_user):
    for role in (Role.BANK_OPERATOR, Role.VILLAGE_WORKER):
        client.force_login(make_user(role))
        assert client.get(f"/statistics/{COUNTIES[0]}/").status_code == 403
        assert (
            api_as(make_user(role, username=f"api_{role}"))
            .get(f"/api/v1/statistics/{COUNTIES[0]}/")
            .status_code
            == 403
        )


def test_the_monthly_report_rows_add_up_to_the_place(population, client, city_user):
    client.force_login(city_user)
    response = client.get("/statistics/410800000000/report.xlsx?month=2026-03")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2026-03" in rows[0][0]
    body = rows[2:]
    assert [row[1] for row in body] == [*COUNTIES, "410800000000"]
    total = round(sum(row[-1] for row in body[:-1]), 2)
    assert total == body[-1][-1] == _paid(population, "4108", MONTHS[2]) / 100


def test_the_api_gives_the_same_figures_in_fen(population, city_user):
    answer = api_as(city_user).get("/api/v1/statistics/410800000000/", {"month": "2026-01"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["own"]["total"]["paid_fen"] == _paid(population, "4108", MONTHS[0])
    assert sum(c["total"]["paid_fen"] for c in body["children"]) == body["own"]["total"]["paid_fen"]
    assert len(body["trend"]) == 12 * len(body["own"]["by_programme"])
    refused = api_as(city_user).get("/api/v1/statistics/410800000000/", {"month": "一月"})
    assert refused.status_code == 400 and "month" in str(refused.json()["error"])
    assert api_as(city_user).get("/api/v1/statistics/420100000000/").status_code == 404


def test_the_command_line_computes_a_place_anew_and_is_audited(population, city_user, cli_as):
    before = {
        (f.level, f.region_code, f.month, f.programme, f.paid_fen) for f in Figure.objects.all()
    }
    Figure.objects.all().delete()
    cli_as(city_user)
    out = io.StringIO()
    call_command("statistics_refresh", stdout=out)
    assert before == {
        (f.level, f.region_code, f.month, f.programme, f.paid_fen) for f in Figure.objects.all()
    }
    assert AuditEvent.objects.filter(action="statistics.refreshed").count() == 1
