import pyarrow as pa
import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import OUTSIDE_COUNTY, household_form
from doudi.linkage import services
from doudi.linkage.model import PAIRS_SCHEMA
from doudi.linkage.models import ReviewPair, ReviewState
from doudi.registry.services import create_household


@pytest.fixture
def pair(make_user) -> ReviewPair:
    household = create_household(make_user(Role.TOWNSHIP_HANDLER), household_form())[0]
    member = household.members.get(name="张三")
    pairs = pa.table(
        {
            "record_row": [0],
            "member_id": [member.pk],
            "match_probability": [0.9],
            "band": ["review"],
        },
        schema=PAIRS_SCHEMA,
    )
    services.queue_pairs("deaths", 7, pairs, rows=[5])
    return ReviewPair.objects.get()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_county_page_lists_and_decides(pair, make_user):
    client = _client(make_user(Role.COUNTY_APPROVER))
    page = client.get("/linkage/").content.decode()
    assert f'data-pair="{pair.pk}"' in page and "张三" in page and "1970" in page
    assert "1970-01-01" not in page and "4108211970" not in page
    assert "公安局户籍管理部门" in page and "deaths" not in page  # the source by name, not key
    response = client.post(f"/linkage/{pair.pk}/decide/", {"same_person": "no", "reason": "非本人"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.state, pair.reason) == (ReviewState.DIFFERENT_PERSON, "非本人")


def test_another_county_gets_not_found(pair, make_user):
    client = _client(make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "other_county"))
    assert f'data-pair="{pair.pk}"' not in client.get("/linkage/").content.decode()
    assert client.post(f"/linkage/{pair.pk}/decide/", {"same_person": "yes"}).status_code == 404
    assert ReviewPair.objects.get().state == ReviewState.PENDING
