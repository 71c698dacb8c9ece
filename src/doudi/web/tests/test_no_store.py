"""No response with personal data may be kept by a browser or a proxy: `Cache-Control: no-store`
on every page, document and API answer (a crawl from each role's home page)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import household_form
from doudi.registry.services import add_attachment, create_household

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#?]*)')
SKIPPED = ("/static/", "/i18n/", "/logout/")


def _crawl(client: Client, start: str = "/", depth: int = 2) -> dict[str, str]:
    """Every internal page reachable in ``depth`` steps, with its Cache-Control header."""
    seen: dict[str, str] = {}
    frontier = [start]
    for _ in range(depth):
        following = []
        for path in frontier:
            if path in seen or path.startswith(SKIPPED):
                continue
            response = client.get(path)
            seen[path] = response.headers.get("Cache-Control", "")
            if "text/html" in response.headers.get("Content-Type", ""):
                following += LINK.findall(response.content.decode())
        frontier = following
    return seen


@pytest.fixture
def attachment(make_user):
    handler = make_user(Role.TOWNSHIP_HANDLER)
    household, _warnings = create_household(handler, household_form(), reason="登记")
    upload = SimpleUploadedFile("户口簿.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    return add_attachment(handler, household.pk, upload, category="hukou")


@pytest.mark.parametrize(
    "role", [Role.CITY_SUPERVISOR, Role.TOWNSHIP_HANDLER, Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN]
)
def test_every_page_reachable_from_home_says_no_store(make_user, attachment, role):
    client = Client()
    user = attachment.uploaded_by if role == Role.TOWNSHIP_HANDLER else make_user(role)
    client.force_login(user)
    pages = _crawl(client)
    assert len(pages) >= 3
    kept = {path: header for path, header in pages.items() if header != "no-store"}
    assert kept == {}


def test_documents_api_answers_refusals_and_the_log_in_page_say_no_store(make_user, attachment):
    handler = Client()
    handler.force_login(attachment.uploaded_by)
    paths = [
        f"/households/attachments/{attachment.pk}/",
        f"/households/{attachment.household_id}/",
        "/api/v1/me/",
        f"/api/v1/households/{attachment.household_id}/",
        "/api/v1/openapi.json",
        "/households/999999/",  # a refusal page names what was asked for
    ]
    for path in paths:
        response = handler.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
    anonymous = Client()
    assert anonymous.get("/login/").headers["Cache-Control"] == "no-store"
    assert anonymous.get("/api/v1/me/").headers["Cache-Control"] == "no-store"
