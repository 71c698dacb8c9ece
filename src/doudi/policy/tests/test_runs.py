"""Long policy work in the background: a proposal's what-if and a whole-place evaluation are
started by their pages as jobs of the task runner, followed with a progress bar, kept once done
(a reload shows the same job, never a second one), seen only inside the jurisdiction, and a
failure shows why in Chinese and changes nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import INSIDE_COUNTY, OUTSIDE_COUNTY
from doudi.dates import month_text, next_month
from doudi.errors import DoudiError
from doudi.jobs.models import Job, JobKind, JobState
from doudi.jobs.tests.helpers import run_waiting
from doudi.policy import batch, runs
from doudi.policy.models import EvaluationRun, PlaceEvaluation, WhatIfRun
from doudi.policy.tests.test_standards import _propose
from doudi.policy.whatif import what_if

pytestmark = pytest.mark.django_db

JULY = datetime.date(2022, 7, 1)
LATIN = re.compile(r"[A-Za-z]{3,}")


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _chinese(text: str) -> bool:
    return bool(text) and not LATIN.search(text)


# ------------------------------------------------------------------------------- what-if


def test_the_proposal_page_starts_the_what_if_once_and_shows_its_progress(supervisor, registered):
    value = _propose(supervisor)
    page = browser(supervisor)
    waiting = page.get(f"/policy/values/{value.pk}/").content.decode()
    run = WhatIfRun.objects.get()
    assert run.job.kind == JobKind.WHAT_IF and run.job.state == JobState.QUEUED
    assert "<progress" in waiting and 'http-equiv="refresh" content="2' in waiting
    assert 'data-testid="counts"' not in waiting
    started = AuditEvent.objects.get(action="policy.what_if_started")
    assert started.after["job"] == run.job_id and started.object_id == str(run.pk)

    Job.objects.filter(pk=run.job_id).update(
        state=JobState.RUNNING, progress_done=2, progress_total=4, stage="正在计算"
    )
    running = page.get(f"/policy/values/{value.pk}/").content.decode()  # a reload
    assert 'value="50"' in running and "正在计算" in running
    assert WhatIfRun.objects.count() == 1 and Job.objects.count() == 1


def test_the_kept_what_if_has_the_totals_computed_directly(supervisor, registered):
    value = _propose(supervisor)
    page = browser(supervisor)
    page.get(f"/policy/values/{value.pk}/")
    (job,) = run_waiting()
    assert job.state == JobState.DONE and job.progress_total == 4
    run = WhatIfRun.objects.get()
    direct = what_if(supervisor, value.pk)
    assert run.households == direct.households == 3
    assert run.counts == direct.counts()
    assert {(p, c): [b, a] for p, c, b, a in run.totals} == direct.totals
    assert len(run.changes) == run.changed == len(direct.changes)
    assert AuditEvent.objects.filter(action="policy.what_if_run").count() == 1

    done = page.get(f"/policy/values/{value.pk}/").content.decode()
    assert 'data-testid="counts"' in done and 'http-equiv="refresh"' not in done
    assert "150.00" in done and "修武县" in done  # the county by its name
    assert WhatIfRun.objects.count() == 1 and Job.objects.count() == 1
    # Asked for anew (the registry changed since): a second job.
    page.post(f"/policy/values/{value.pk}/what-if/")
    assert WhatIfRun.objects.count() == 2


def test_a_refused_decision_shows_the_kept_what_if_without_starting_another(supervisor, registered):
    value = _propose(supervisor)
    page = browser(supervisor)
    page.get(f"/policy/values/{value.pk}/")
    run_waiting()
    refused = page.post(f"/policy/values/{value.pk}/decide/", {"decision": "adopt"})
    assert refused.status_code == 400 and 'data-testid="counts"' in refused.content.decode()
    assert WhatIfRun.objects.count() == 1


def test_a_what_if_is_nobody_s_outside_the_jurisdiction(supervisor, registered, make_user):
    value = _propose(supervisor)
    outside_admin = make_user(Role.SYSTEM_ADMIN, OUTSIDE_COUNTY, "wen_admin")
    assert browser(outside_admin).get(f"/policy/values/{value.pk}/").status_code == 404
    county = make_user(Role.COUNTY_APPROVER)  # sets no standard
    assert browser(county).get(f"/policy/values/{value.pk}/").status_code == 403
    assert not WhatIfRun.objects.exists() and not Job.objects.exists()


def test_a_failed_what_if_says_why_in_chinese_and_keeps_nothing(
    supervisor, registered, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(runs, "what_if", broken)
    value = _propose(supervisor)
    page = browser(supervisor)
    page.get(f"/policy/values/{value.pk}/")
    (job,) = run_waiting()
    assert job.state == JobState.FAILED and _chinese(job.message)
    failed = page.get(f"/policy/values/{value.pk}/").content.decode()
    assert 'data-testid="job-failed"' in failed and job.message in failed
    assert 'http-equiv="refresh"' not in failed and 'data-testid="counts"' not in failed
    assert WhatIfRun.objects.get().households is None
    assert not AuditEvent.objects.filter(action="policy.what_if_run").exists()
    assert WhatIfRun.objects.count() == 1  # the reload showed the failed one
    # The page offers to try again, which starts a new one.
    page.post(f"/policy/values/{value.pk}/what-if/")
    assert WhatIfRun.objects.filter(job__state=JobState.QUEUED).count() == 1


def test_a_refusal_while_computing_is_the_job_s_reason(supervisor, registered, monkeypatch):
    def refused(*args, **kwargs):
        raise DoudiError("The registry is being imported.")

    monkeypatch.setattr(runs, "what_if", refused)
    value = _propose(supervisor)
    runs.what_if_for(supervisor, value.pk)
    (job,) = run_waiting()
    assert job.state == JobState.FAILED and job.message_en == "The registry is being imported."


# ----------------------------------------------------------------- whole-place evaluation


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_APPROVER)


def test_a_whole_place_evaluation_runs_in_the_background_and_is_kept(county, registered):
    page = browser(county)
    form = page.get("/policy/evaluations/").content.decode()
    assert 'data-testid="start-evaluation"' in form and "修武县" in form
    upcoming = month_text(next_month(timezone.localdate()))
    assert f'name="month" placeholder="2026-07" value="{upcoming}"' in form
    started = page.post("/policy/evaluations/start/", {"place": INSIDE_COUNTY, "month": "2022-07"})
    evaluation = PlaceEvaluation.objects.get()
    assert started.status_code == 302 and started.url == f"/policy/evaluations/{evaluation.pk}/"
    assert evaluation.job.kind == JobKind.PLACE_EVALUATION
    assert AuditEvent.objects.get(action="policy.evaluation_started").after["job"] == (
        evaluation.job_id
    )
    waiting = page.get(started.url).content.decode()
    assert "<progress" in waiting and 'http-equiv="refresh"' in waiting
    assert not EvaluationRun.objects.exists()

    (job,) = run_waiting()
    assert job.state == JobState.DONE and (job.progress_done, job.progress_total) == (3, 3)
    evaluation.refresh_from_db()
    direct = batch.evaluate_all(county, JULY, place_code=INSIDE_COUNTY)
    assert (evaluation.run.households, evaluation.run.results) == (
        direct.households,
        direct.results,
    )
    done = page.get(started.url).content.decode()
    assert 'data-testid="evaluation-totals"' in done and 'http-equiv="refresh"' not in done
    assert 'data-testid="evaluations"' in page.get("/policy/evaluations/").content.decode()
    assert Job.objects.count() == 1


def test_a_second_evaluation_of_the_same_place_waits_for_the_first(county, registered):
    page = browser(county)
    page.post("/policy/evaluations/start/", {"place": INSIDE_COUNTY, "month": "2022-07"})
    again = page.post("/policy/evaluations/start/", {"place": INSIDE_COUNTY, "month": "2022-07"})
    assert again.status_code == 400 and 'data-field="place"' in again.content.decode()
    assert PlaceEvaluation.objects.count() == 1


def test_evaluations_are_nobody_s_outside_the_jurisdiction(county, registered, make_user):
    page = browser(county)
    refused = page.post("/policy/evaluations/start/", {"place": OUTSIDE_COUNTY, "month": "2022-07"})
    assert refused.status_code == 400 and 'data-field="place"' in refused.content.decode()
    page.post("/policy/evaluations/start/", {"place": INSIDE_COUNTY, "month": "2022-07"})
    evaluation = PlaceEvaluation.objects.get()
    outside = browser(make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "wen_county"))
    assert outside.get(f"/policy/evaluations/{evaluation.pk}/").status_code == 404
    listed = outside.get("/policy/evaluations/").content.decode()
    assert f"/policy/evaluations/{evaluation.pk}/" not in listed
    township = browser(make_user(Role.TOWNSHIP_HANDLER, username="xiuwu_handler"))
    assert township.get("/policy/evaluations/").status_code == 403


def test_a_failed_evaluation_says_why_in_chinese_and_writes_nothing(
    county, registered, monkeypatch
):
    def broken(run, results):
        raise RuntimeError("disk full")

    monkeypatch.setattr(batch, "_write", broken)
    page = browser(county)
    page.post("/policy/evaluations/start/", {"place": INSIDE_COUNTY, "month": "2022-07"})
    (job,) = run_waiting()
    assert job.state == JobState.FAILED and _chinese(job.message)
    evaluation = PlaceEvaluation.objects.get()
    failed = page.get(f"/policy/evaluations/{evaluation.pk}/").content.decode()
    assert job.message in failed and 'http-equiv="refresh"' not in failed
    assert evaluation.run is None and not EvaluationRun.objects.exists()
    assert not AuditEvent.objects.filter(action="policy.evaluate_all").exists()
    # Once failed, the place may be evaluated again.
    page.post("/policy/evaluations/start/", {"place": INSIDE_COUNTY, "month": "2022-07"})
    assert PlaceEvaluation.objects.count() == 2


def test_the_menu_offers_the_evaluations_to_who_may_run_them(county, make_user):
    assert "/policy/evaluations/" in browser(county).get("/").content.decode()
    township = make_user(Role.TOWNSHIP_HANDLER, username="xiuwu_handler")
    assert "/policy/evaluations/" not in browser(township).get("/").content.decode()


def test_a_programme_paid_otherwise_has_no_monthly_sum_rather_than_zero():
    from doudi.policy.programmes import PROGRAMMES
    from doudi.policy.views import _total_row

    by_key = {programme.key: programme for programme in PROGRAMMES}
    premium = _total_row(
        {"programme": "medical_premium_subsidy", "results": 3, "monthly_fen": 0},
        by_key["medical_premium_subsidy"],
    )
    assert premium["monthly_fen"] is None and premium["label"] == str(
        by_key["medical_premium_subsidy"].label
    )
    monthly = _total_row(
        {"programme": "minimum_living", "results": 2, "monthly_fen": 60026},
        by_key["minimum_living"],
    )
    assert monthly["monthly_fen"] == 60026
