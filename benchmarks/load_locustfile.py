"""The simulated staff of ``load_pages.py`` (run by it; not on its own).

``DOUDI_LOAD_PLAN`` names the plan load_pages.py wrote (accounts, the ids each may use);
``DOUDI_LOAD_SAMPLES`` where every request's page, time and error are written when locust
stops, so that load_pages.py computes exact percentiles (locust's own statistics round
response times above 100 ms to buckets).

``Staff``: each user logs in as its own account, then walks the pages of its role in order,
again and again, with a think time between pages. ``Anonymous``: the floor — the log-in page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["DOUDI_LOAD_PLAN"]).read_text())
SAMPLES: list[list] = []
# When the last user was started, the last log-in answered, and the run stopped.
MOMENTS: dict[str, float] = {"spawned_at": 0.0, "logged_in_at": 0.0, "stopped_at": 0.0}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SURNAME = "王"  # the commonest surname: the longest name search
ROLE_NAMES = {
    "township_handler": "township",
    "county_approver": "county",
    "finance_officer": "finance",
    "city_supervisor": "city",
    "auditor": "auditor",
}
_accounts = itertools.cycle(PLAN["accounts"])


@events.request.add_listener
def _sample(name, response_time, exception, start_time=None, **_ignored) -> None:
    SAMPLES.append([name, response_time, start_time or time.time(), exception and str(exception)])


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_ignored) -> None:
    MOMENTS["spawned_at"] = time.time()


@events.quitting.add_listener
def _write(environment, **_ignored) -> None:
    MOMENTS["stopped_at"] = MOMENTS["stopped_at"] or time.time()
    Path(os.environ["DOUDI_LOAD_SAMPLES"]).write_text(json.dumps({**MOMENTS, "samples": SAMPLES}))


@events.test_stop.add_listener
def _stopped(environment, **_ignored) -> None:
    MOMENTS["stopped_at"] = time.time()


class Staff(HttpUser):
    wait_time = between(*PLAN["wait"])

    def on_start(self) -> None:
        self.account = next(_accounts)
        self.role = ROLE_NAMES[self.account["role"]]
        self.rng = random.Random(self.account["username"])
        self.token = ""
        self._log_in()
        self.walk = itertools.cycle(self._pages())

    @task
    def next_page(self) -> None:
        next(self.walk)()

    # --- the pages of each role, in the order a member of staff goes through them

    def _pages(self) -> list[Callable[[], None]]:
        account, rng, page = self.account, self.rng, self._page
        home = page("home", "/")
        households = page("household list", "/households/")
        by_name = page(f"name search {SURNAME}", "/households/", {"name": SURNAME})
        by_place = page("place filter", "/households/", lambda: {"place": pick("villages")})
        household = page("household page", lambda: f"/households/{pick('households')}/")
        cases = page("case list", "/cases/")
        case = page("case page", lambda: f"/cases/{pick('cases')}/")
        payrolls = page("payroll list", "/payroll/")
        payroll = page("payroll page", lambda: f"/payroll/{pick('payrolls')}/")

        def pick(name: str):
            return rng.choice(account[name])

        return {
            "township": [
                home,
                households,
                by_name,
                household,
                self._search_by_number,
                household,
                by_place,
                household,
                cases,
                case,
                page("one window", "/window/"),
            ],
            "county": [
                home,
                households,
                page("household list, page 200", "/households/", {"page": 200}),
                by_name,
                household,
                cases,
                case,
                payrolls,
                payroll,
            ],
            "finance": [home, payrolls, payroll, page("budgets", "/payroll/budgets/"), payrolls],
            "city": [
                home,
                households,
                by_name,
                by_place,
                household,
                cases,
                payrolls,
                page("standards", "/policy/"),
            ],
            "auditor": [
                home,
                page("audit trail", "/audit/"),
                page("audit event", lambda: f"/audit/{rng.choice(PLAN['audit_events'])}/"),
                households,
                household,
                cases,
                case,
                payrolls,
            ],
        }[self.role]

    def _page(
        self,
        label: str,
        path: str | Callable[[], str],
        params: dict | Callable[[], dict] | None = None,
    ) -> Callable[[], None]:
        """A GET of one page; a callable path or params is drawn afresh on every visit."""

        def visit() -> None:
            self._get(
                label,
                path() if callable(path) else path,
                params() if callable(params) else params,
            )

        return visit

    # --- requests

    def _log_in(self) -> None:
        page = self.client.get("/login/", name=f"log-in page · {self.role}")
        token = TOKEN.search(page.text)
        data = {
            "username": self.account["username"],
            "password": PLAN["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        with self.client.post(
            "/login/", data=data, name=f"log-in (POST) · {self.role}", catch_response=True
        ) as response:
            if response.url.rstrip("/").endswith("/login") or response.status_code != 200:
                response.failure(f"not logged in (HTTP {response.status_code})")
        MOMENTS["logged_in_at"] = time.time()

    def _get(self, page: str, path: str, params: dict | None = None) -> None:
        with self.client.get(
            path, params=params, name=f"{page} · {self.role}", catch_response=True
        ) as response:
            self._check(response)

    def _search_by_number(self) -> None:
        """The ID-number search: by POST from the household list, as the page sends it."""
        household, number = self.rng.choice(self.account["id_numbers"])
        with self.client.post(
            "/households/",
            data={"id_number": number, "csrfmiddlewaretoken": self.token},
            headers={"Referer": f"{self.host}/households/"},
            name=f"ID-number search (POST) · {self.role}",
            catch_response=True,
        ) as response:
            self._check(response)
            if response.ok and f"-{household:08d}" not in response.text:
                response.failure("the search did not list the household")

    def _check(self, response) -> None:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")
        elif "/login/" in response.url:
            response.failure("sent back to the log-in page")
        else:
            token = TOKEN.search(response.text)
            if token:
                self.token = token.group(1)
            response.success()


class Anonymous(HttpUser):
    """The floor: the cheapest page the server has, under the same concurrency."""

    wait_time = between(*PLAN["wait"])

    @task
    def log_in_page(self) -> None:
        with self.client.get("/login/", name="log-in page · anonymous", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            else:
                r.success()
