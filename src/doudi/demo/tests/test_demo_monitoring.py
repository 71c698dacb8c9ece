"""The demo starts with a monitored population: recipients, households the county's evaluation
finds on the edge or with rigid spending, and the township's reported households at risk."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from doudi.accounts.models import User
from doudi.early_warning.models import EarlyWarning, SignalKind
from doudi.monitoring.models import EntrySource, MonitoredCategory, MonitoredEntry
from doudi.visits.queries import follow_ups_due


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_has_monitored_households_of_each_kind_and_loads_once():
    call_command("demo", "load", stdout=io.StringIO())
    open_entries = MonitoredEntry.objects.filter(left_on__isnull=True)
    categories = set(open_entries.values_list("category", flat=True))
    assert {
        MonitoredCategory.MINIMUM_LIVING,
        MonitoredCategory.EDGE,
        MonitoredCategory.RETURN_RISK,
    } <= categories
    reported = open_entries.filter(source=EntrySource.REPORTED)
    assert reported.count() == 2 and all(entry.entered_by for entry in reported)
    # The bureau's delivered list puts its households at risk under watch too.
    assert open_entries.filter(source=EntrySource.DEPARTMENT).exists()
    kinds = set(EarlyWarning.objects.values_list("kind", flat=True))
    routes = set(EarlyWarning.objects.exclude(route="").values_list("route", flat=True))
    assert routes == {"apply_policy", "refer", "county", "verify"}
    assert EarlyWarning.objects.filter(state="open").exists()  # work waits on the first day
    assert SignalKind.VISIT in kinds and len(kinds) >= 2  # the departments' data raise some
    grid = User.objects.get(username="grid")
    assert follow_ups_due(grid, timezone.localdate()).exists()  # the grid worker has a visit due
    count, warnings = MonitoredEntry.objects.count(), EarlyWarning.objects.count()
    call_command("demo", "load", stdout=io.StringIO())
    assert MonitoredEntry.objects.count() == count and EarlyWarning.objects.count() == warnings
