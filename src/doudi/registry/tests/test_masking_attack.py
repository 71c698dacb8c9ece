"""The attack of issue 11.1: rebuild full ID numbers from what a township user is shown.

A synthetic population is loaded; a township handler fetches every list, page, export and API
response of the registry it can reach; for every member shown masked, an attacker who knows
everything else (the sex, the age, the birthplace county — the strongest guess, the household's
county — and any date in the same response that could be the birth date) counts the numbers that
fit the mask and the check character. Each must leave more than ten thousand: no unique rebuild.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone
from stdnum.cn import ric

from doudi.accounts.roles import Role
from doudi.conftest import api_as
from doudi.demo import population as pop
from doudi.demo.bulk_load import load_population
from doudi.registry import rules
from doudi.registry.models import Household, Member

# The weight of each of the first 17 digits in the GB 11643 check (2^(17-i) mod 11).
WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
CHECK = "10X98765432"
ENOUGH = 10_000  # fewer candidates than this is a practical rebuild (a few calls each)


@dataclass(frozen=True)
class Truth:
    name: str
    number: str
    sex: str
    birth: datetime.date


def candidates(
    masked: str, *, sex: str, age: int, county: str, today: datetime.date, birth=None
) -> int:
    """How many valid numbers fit ``masked`` for a person of this sex and age born in ``county``
    (on ``birth`` when the attacker found the birth date beside the mask)."""
    shown = {i: c for i, c in enumerate(masked) if c != "*"}
    if any(shown.get(i, county[i]) != county[i] for i in range(6)):
        return 0
    if birth is not None:
        days = [birth]
    else:  # every day on which a person of that age could have been born
        latest = today.replace(year=today.year - age)
        earliest = today.replace(year=today.year - age - 1) + datetime.timedelta(days=1)
        days = [earliest + datetime.timedelta(n) for n in range((latest - earliest).days + 1)]
    # The sequence digits (15–17): the 17th is odd for men; what the mask shows must match.
    residues = [0] * 11
    for sequence in range(1000):
        digits = f"{sequence:03d}"
        if int(digits[2]) % 2 != (sex == "male"):
            continue
        if any(shown.get(14 + k, d) != d for k, d in enumerate(digits)):
            continue
        residues[sum(int(d) * WEIGHTS[14 + k] for k, d in enumerate(digits)) % 11] += 1
    county_sum = sum(int(d) * WEIGHTS[i] for i, d in enumerate(county))
    total = 0
    for day in days:
        text = day.strftime("%Y%m%d")
        if any(shown.get(6 + k, d) != d for k, d in enumerate(text)):
            continue
        partial = county_sum + sum(int(d) * WEIGHTS[6 + k] for k, d in enumerate(text))
        for residue, count in enumerate(residues):
            if count and (17 not in shown or CHECK[(partial + residue) % 11] == shown[17]):
                total += count
    return total


def test_the_counting_attacker_is_sound():
    """It rebuilds a number masked the old way with the birth date beside it (the bug), and it
    computes the check character as python-stdnum does."""
    number = "41082119800101001" + ric.calc_check_digit("41082119800101001" + "0")
    assert CHECK[sum(int(d) * w for d, w in zip(number, WEIGHTS, strict=False)) % 11] == number[17]
    old = number[:6] + "*" * 8 + number[-4:]
    today = datetime.date(2026, 11, 22)
    args = {"sex": "male", "age": 46, "county": "410821", "today": today}
    assert candidates(old, birth=datetime.date(1980, 1, 1), **args) == 1
    assert candidates(old, **args) <= 366


DATE = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})")
MASKED = re.compile(r"[0-9]{0,17}\*{4,18}[0-9Xx]{0,17}")


def _dates(text: str) -> set[datetime.date]:
    found = set()
    for year, month, day in DATE.findall(text):
        try:
            found.add(datetime.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return found


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, datetime.datetime | datetime.date):
                    value = value.strftime("%Y-%m-%d")
                cells.append("" if value is None else str(value))
    return "\t".join(cells)


@pytest.fixture
def registry(make_user):
    today = timezone.localdate()
    load_population(pop.generate(300, 11, as_of=today), batch=128)
    handler = make_user(Role.TOWNSHIP_HANDLER)
    return handler, today


def _responses(handler) -> dict[str, str]:
    """Every registry response a township handler can fetch, as text."""
    browser = Client()
    browser.force_login(handler)
    api = api_as(handler)
    households = list(
        Household.objects.filter(region__code__startswith=handler.region_id[:9]).order_by("id")
    )
    assert len(households) >= 10, "the township should hold households to attack"
    texts = {
        "page /households/": browser.get("/households/").content.decode(),
        "export GET": _xlsx_text(b"".join(browser.get("/households/export/").streaming_content)),
        "export POST": _xlsx_text(
            b"".join(browser.post("/households/export/", {"place": ""}).streaming_content)
        ),
        "api list": api.get("/api/v1/households/?limit=1000").content.decode(),
        "api search": api.post(
            "/api/v1/households/search/", {"name": ""}, format="json"
        ).content.decode(),
    }
    for household in households:
        texts[f"page {household.pk}"] = browser.get(f"/households/{household.pk}/").content.decode()
        texts[f"api {household.pk}"] = api.get(
            f"/api/v1/households/{household.pk}/"
        ).content.decode()
        texts[f"api versions {household.pk}"] = api.get(
            f"/api/v1/households/{household.pk}/versions/"
        ).content.decode()
    return texts


@pytest.mark.django_db
def test_no_number_can_be_rebuilt_from_any_list_page_export_or_api_response(registry):
    handler, today = registry
    truths = {
        member.pk: Truth(member.name, member.reveal_id_number(), member.sex, member.birth_date)
        for member in Member.objects.filter(household__region__code__startswith="410821902")
    }
    attacked = 0
    for where, text in _responses(handler).items():
        dates = _dates(text)
        shown = set(MASKED.findall(text))
        for truth in truths.values():
            assert truth.number not in text, where
            masks = [m for m in shown if len(m) == 18 and m[-1] == truth.number[-1]]
            masks = [
                m for m in masks if all(c in ("*", n) for c, n in zip(m, truth.number, strict=True))
            ]
            if truth.name not in text or not masks:
                continue
            attacked += 1
            found = truth.birth if truth.birth in dates else None
            fitting = candidates(
                masks[0],
                sex=truth.sex,
                age=rules.age_on(truth.birth, today),
                county=truth.number[:6],
                today=today,
                birth=found,
            )
            assert fitting >= ENOUGH, (where, masks[0], found, fitting)
    assert attacked > 100  # the attack was really tried, on many members and responses
