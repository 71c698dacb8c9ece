"""A refused form keeps what was typed and shows the refusal as an error, not as a success."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import INSIDE_COUNTY, valid_id_number

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _kept(page: str) -> dict | None:
    found = re.search(r'<script id="kept-input" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def finance(make_user) -> Client:
    return client_for(make_user(Role.FINANCE_OFFICER))


def _budget(client: Client, **typed: str):
    form = {"programme": "minimum_living", "year": "2026", "region": INSIDE_COUNTY, **typed}
    return client.post("/payroll/budgets/", form, follow=True)


def test_a_refusal_after_a_redirect_is_an_alert_and_the_typed_values_come_back(finance):
    page = _budget(finance, amount="五百", reason="年初预算").content.decode()
    assert re.search(r'<li class="error" role="alert">金额（元）：[^<]+</li>', page)
    kept = _kept(page)
    assert kept["action"] == "/payroll/budgets/"
    assert kept["values"]["amount"] == ["五百"] and kept["values"]["reason"] == ["年初预算"]
    assert "csrfmiddlewaretoken" not in kept["values"]
    assert 'src="/static/doudi/forms.js" defer' in page
    # Kept for the one page that shows the refusal, not for the next.
    assert _kept(finance.get("/payroll/budgets/").content.decode()) is None


def test_a_success_is_a_status_not_an_alert(finance):
    page = _budget(finance, amount="500", reason="年初预算").content.decode()
    assert re.search(r'<li class="success" role="status">', page)
    assert 'role="alert"' not in page and _kept(page) is None


def test_an_id_number_typed_in_a_refused_form_is_not_kept_in_the_session(finance):
    number = valid_id_number("41082119700101001")
    page = _budget(finance, amount="五百", reason=f"为 {number}").content.decode()
    assert _kept(page)["values"]["reason"] == []
    assert number not in page


def test_the_error_box_is_styled_apart_from_the_success_box():
    css = Path(finders.find("doudi/doudi.css")).read_text(encoding="utf-8")
    assert re.search(r"\.messages li\.error \{[^}]*#fef3f2", css)
