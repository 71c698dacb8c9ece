"""Over the demo: every public notice page (every page of it) and every village board's PDF
holds no ID number, phone number or address of anyone in the demo, masked or not, and no
de facto unsupported child; the demo's cases on notice and recipients are there, masked."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from doudi.accounts.models import User
from doudi.benefits.models import Benefit
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.cases.tests.test_documents import text_of
from doudi.demo.management.commands import demo as command
from doudi.demo.tests.conftest import private_var_dir  # noqa: F401
from doudi.notices import queries, services
from doudi.notices.masking import mask_name
from doudi.regions.models import Region
from doudi.registry.models import Household, Member

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def demo(monkeypatch) -> None:
    """``doudi demo load`` on an empty database, with a smaller registry to stay fast."""
    monkeypatch.setattr(command, "DEMO_HOUSEHOLDS", 1000)
    call_command("demo", "load", stdout=io.StringIO())


def _secrets() -> set[str]:
    """What must never be published: every ID number (whole and masked), phone and address."""
    found: set[str] = set()
    for member in Member.objects.all():
        number = member.reveal_id_number()
        if number:
            found |= {number, member.id_number_masked}
        if member.phone.strip():
            found.add(member.phone.strip())
    found |= {a.strip() for a in Household.objects.values_list("address", flat=True) if a.strip()}
    return found


def _public_pages(client: Client, token: str) -> list[str]:
    first = client.get(f"/notice/{token}/")
    assert first.status_code == 200
    pages, number = [first.content.decode()], 2
    while f"?page={number}" in pages[-1]:
        pages.append(client.get(f"/notice/{token}/?page={number}").content.decode())
        number += 1
    return pages


def test_no_public_page_or_pdf_holds_an_id_number_phone_or_address(settings, demo):
    settings.DOUDI_PUBLIC_PAGES_PER_MINUTE = 10_000
    handler = User.objects.get(username="handler")
    villages = Region.objects.filter(code__startswith=handler.region_id[:9], level="village")
    secrets = _secrets()
    assert secrets
    client, staff = Client(), Client()
    staff.force_login(handler)
    shown, pages = 0, {}
    for village in villages:
        board = services.issue_link(handler, village.code)
        published = _public_pages(client, board.token)
        pages[village.code] = "".join(published)
        response = staff.get(f"/notices/{village.code}/notice.pdf")
        assert response.status_code == 200
        published.append(text_of(response.content))
        for text in published:
            leaked = [secret for secret in secrets if secret in text]
            assert not leaked, (village.code, leaked[:3])
            assert "事实无人抚养" not in text
        notice = queries.notice_of(village, board.issued_on)
        shown += len(notice.proposed) + len(notice.long_term)
    assert shown  # the demo's township has recipients or cases on notice
    # The month's recipients are there, each under its masked name.
    month = board.issued_on.replace(day=1)
    receiving = Benefit.objects.in_force(month).filter(region__in=villages).select_related("payee")
    assert receiving
    for benefit in receiving.exclude(programme="de_facto_unsupported")[:50]:
        line = f'<tr data-ref="b{benefit.pk}"><td>{mask_name(benefit.payee.name)}</td>'
        assert line in pages[benefit.region_id]
    on_notice = Case.objects.filter(state=State.ON_NOTICE, region__in=villages)
    for case in on_notice.exclude(programme="de_facto_unsupported"):
        if case.notice_ends_on >= board.issued_on:
            assert f'data-ref="c{case.pk}"' in pages[case.region_id]
