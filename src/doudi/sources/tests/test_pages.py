"""The county's page: upload a delivery whole, or see every fault by row and column."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from doudi.accounts.roles import Role
from doudi.sources.models import Delivery
from doudi.sources.services import describe_delivery
from doudi.sources.tests.conftest import SAMPLES, sample

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, source: str, data: bytes, name: str):
    return client.post("/sources/", {"source": source, "file": SimpleUploadedFile(name, data)})


def test_a_county_uploads_a_delivery_and_sees_it_listed(make_user):
    client = _as(make_user(Role.COUNTY_APPROVER))
    assert "上传部门数据" in client.get("/sources/").content.decode()
    response = _upload(client, "bank", sample("bank"), SAMPLES["bank"])
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    listing = client.get("/sources/").content.decode()
    assert SAMPLES["bank"] in listing and "2026-11-30" in listing
    assert describe_delivery(delivery) in listing  # the source named, never by its key
    assert "（bank）" not in listing


def test_a_refused_upload_lists_every_fault_and_stores_nothing(make_user):
    client = _as(make_user(Role.COUNTY_APPROVER))
    data = sample("vehicles").replace("非营运".encode(), "租赁".encode(), 1)
    response = _upload(client, "vehicles", data, "vehicles.csv")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="problems"' in page and "使用性质" in page and "租赁" in page
    assert not Delivery.objects.exists()
    response = _upload(client, "vehicles", sample("vehicles"), "vehicles.xlsx")
    assert response.status_code == 400 and not Delivery.objects.exists()


def test_a_township_caseworker_may_not_open_the_page(make_user):
    client = _as(make_user(Role.TOWNSHIP_HANDLER))
    assert client.get("/sources/").status_code == 403
    assert _upload(client, "bank", sample("bank"), "bank.csv").status_code == 403
    assert not Delivery.objects.exists()


def test_an_auditor_sees_the_list_without_the_upload_form(make_user):
    page = _as(make_user(Role.AUDITOR)).get("/sources/").content.decode()
    assert "已接收的部门数据" in page and "上传部门数据" not in page
