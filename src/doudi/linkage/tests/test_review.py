import datetime

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from doudi.accounts.roles import Role
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.conftest import OUTSIDE_COUNTY, household_form
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.linkage import queries, services
from doudi.linkage.model import PAIRS_SCHEMA
from doudi.linkage.models import ReviewPair, ReviewState
from doudi.linkage.registry import registry_table
from doudi.registry.services import create_household


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def household(handler):
    return create_household(handler, household_form())[0]


@pytest.fixture
def pair(household) -> ReviewPair:
    member = household.members.get(name="张三")
    pairs = pa.table(
        {
            "record_row": [0, 1],
            "member_id": [member.pk, member.pk],
            "match_probability": [0.9, 0.999],
            "band": ["review", "match"],
        },
        schema=PAIRS_SCHEMA,
    )
    assert services.queue_pairs("deaths", 7, pairs, rows=[2, 3]) == 1
    # Queueing the same delivery again adds nothing.
    services.queue_pairs("deaths", 7, pairs, rows=[2, 3])
    return ReviewPair.objects.get()


def test_registry_table_is_one_row_per_active_member(household):
    table = registry_table()
    assert sorted(table["name"].to_pylist()) == ["张三", "李四"]
    row = table.filter(pc.equal(table["name"], "张三")).to_pylist()[0]
    assert row["birth_date"] == datetime.date(1970, 1, 1)
    assert (row["sex"], row["place_code"]) == ("male", "410821")
    assert len(row["person_hash"]) == 64


def test_queued_pair(pair):
    assert (pair.record_row, pair.delivery_id, pair.state) == (2, 7, ReviewState.PENDING)


def test_county_clerk_decides_and_it_is_audited(pair, make_user):
    county = make_user(Role.COUNTY_APPROVER)
    assert list(queries.pending_pairs(county)) == [pair]
    services.decide(county, pair.pk, same_person=True, reason="户籍信息一致")
    pair.refresh_from_db()
    assert (pair.state, pair.decided_by, pair.reason) == (
        ReviewState.SAME_PERSON,
        county,
        "户籍信息一致",
    )
    event = AuditEvent.objects.get(action=AuditAction.LINKAGE_DECIDED)
    assert event.object_id == str(pair.pk)
    assert list(queries.pending_pairs(county)) == []
    with pytest.raises(DoudiError):
        services.decide(county, pair.pk, same_person=False, reason="")


def test_township_caseworker_may_not_decide(pair, handler):
    with pytest.raises(NotPermitted):
        services.decide(handler, pair.pk, True, "")
    assert ReviewPair.objects.get().state == ReviewState.PENDING


def test_another_county_may_not_decide_nor_see(pair, make_user):
    other = make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "other_county")
    with pytest.raises(OutsideJurisdiction):
        services.decide(other, pair.pk, False, "")
    assert list(queries.pending_pairs(other)) == []
    assert not AuditEvent.objects.filter(action=AuditAction.LINKAGE_DECIDED).exists()


def test_unknown_pair_reads_as_not_found(make_user):
    with pytest.raises(OutsideJurisdiction):
        services.decide(make_user(Role.COUNTY_APPROVER), 999, True, "")
