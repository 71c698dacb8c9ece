"""A department's batch push: POST /api/v1/sources/{source}/deliveries, taken whole (201),
refused whole with every fault by row and column (400), refused to a role without the right
(403), or, for a large file, taken by a job (202) read back at the job's URL."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import api_as
from doudi.jobs import services as jobs
from doudi.jobs.models import Job
from doudi.sources.models import Delivery
from doudi.sources.tests.conftest import SAMPLES, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_APPROVER)


def _push(client, source: str, data: bytes, name: str, **fields):
    body = {"file": SimpleUploadedFile(name, data), "contract_version": "1", **fields}
    return client.post(f"/api/v1/sources/{source}/deliveries", body, format="multipart")


def _files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_delivery_pushed_whole_is_stored_and_answered(county):
    response = _push(api_as(county), "bank", sample("bank"), SAMPLES["bank"])
    assert response.status_code == 201, response.json()
    delivery = Delivery.objects.get()
    body = response.json()
    assert body["id"] == delivery.pk and body["source"] == "bank"
    assert (body["contract_version"], body["rows"], body["delivered_on"]) == (
        1,
        delivery.rows,
        "2026-11-30",
    )
    assert body["delivered_by"] == county.username and body["department"] == delivery.department
    event = AuditEvent.objects.get(action="source.delivered")
    assert event.channel == "api" and event.object_id == str(delivery.pk)


def test_the_data_s_date_may_be_given(county):
    response = _push(api_as(county), "bank", sample("bank"), "b.csv", delivered_on="2026-12-01")
    assert response.status_code == 201 and response.json()["delivered_on"] == "2026-12-01"


def test_a_faulty_delivery_is_refused_whole_with_every_fault(county, private_snapshots):
    data = sample("vehicles").replace("非营运".encode(), "租赁".encode(), 1)
    data = data.replace(b"2009-02-15", b"2009-13-15", 1)
    response = _push(api_as(county), "vehicles", data, "vehicles.csv")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_failed" and "nothing was stored" in error["message_en"]
    assert sorted((p["column"], p["row"] > 1) for p in error["problems"]) == [
        ("使用性质", True),
        ("初次登记日期", True),
    ]
    assert not Delivery.objects.exists() and not _files(private_snapshots)
    assert not AuditEvent.objects.filter(action="source.delivered").exists()


@pytest.mark.parametrize(
    ("source", "fields", "field"),
    [
        ("nonsense", {}, "source"),
        ("bank", {"contract_version": "9"}, "version"),
        ("bank", {"contract_version": "one"}, "contract_version"),
        ("bank", {"delivered_on": "2026-02-30"}, "delivered_on"),
    ],
)
def test_bad_input_is_refused_naming_the_field(county, source, fields, field):
    response = _push(api_as(county), source, sample("bank"), "b.csv", **fields)
    assert response.status_code == 400 and response.json()["error"]["field"] == field
    assert not Delivery.objects.exists() and not Job.objects.exists()


def test_the_file_and_its_contract_version_are_required(county):
    response = api_as(county).post(
        "/api/v1/sources/bank/deliveries", {"contract_version": "1"}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["error"]["field"] == "file"
    response = api_as(county).post(
        "/api/v1/sources/bank/deliveries",
        {"file": SimpleUploadedFile("b.csv", sample("bank"))},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "contract_version"


def test_a_role_without_the_right_is_refused_and_nothing_is_stored(make_user):
    for role in (Role.TOWNSHIP_HANDLER, Role.AUDITOR):
        response = _push(api_as(make_user(role)), "bank", sample("bank"), "b.csv")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_permitted"
    assert not Delivery.objects.exists() and not Job.objects.exists()


def test_a_large_delivery_is_taken_by_a_job_answered_202(county, make_user, settings):
    settings.IMPORT_BACKGROUND_BYTES = 100
    settings.JOBS_IN_PROCESS = False
    client = api_as(county)
    response = _push(client, "bank", sample("bank"), "b.csv")
    job = Job.objects.get()
    assert response.status_code == 202
    assert response.json() == {
        "job": job.pk,
        "state": "queued",
        "url": f"/api/v1/jobs/{job.pk}/",
        "page": f"/jobs/{job.pk}/",
    }
    assert response["Location"] == f"/api/v1/jobs/{job.pk}/"
    assert job.channel == "api" and not Delivery.objects.exists()
    assert client.get(f"/api/v1/jobs/{job.pk}/").json()["state"] == "queued"

    jobs.run_queued()
    read = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert read["state"] == "done" and read["problems"] == [] and not read["retryable"]
    assert str(Delivery.objects.get().pk) in read["message_en"]
    assert AuditEvent.objects.get(action="source.delivered").channel == "api"
    colleague = make_user(Role.COUNTY_APPROVER, username="colleague")
    assert api_as(colleague).get(f"/api/v1/jobs/{job.pk}/").status_code == 404


def test_a_large_faulty_delivery_s_job_lists_every_fault(county, settings):
    settings.IMPORT_BACKGROUND_BYTES = 100
    settings.JOBS_IN_PROCESS = False
    data = sample("vehicles").replace("非营运".encode(), "租赁".encode(), 1)
    client = api_as(county)
    url = _push(client, "vehicles", data, "vehicles.csv").json()["url"]
    jobs.run_queued()
    read = client.get(url).json()
    assert read["state"] == "failed" and not read["retryable"]
    ((column, row),) = [(p["column"], p["row"]) for p in read["problems"]]
    assert column == "使用性质" and row > 1
    assert not Delivery.objects.exists()
