import pytest

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.audit.verification import verify_chain
from doudi.demo.loader import DEMO_ACCOUNTS, load_demo
from doudi.errors import DoudiError
from doudi.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_real_jiaozuo_counties_and_one_account_per_role():
    created = load_demo()
    assert set(created) == {account.username for account in DEMO_ACCOUNTS}
    counties = set(Region.objects.filter(level="county").values_list("code", flat=True))
    assert counties == {
        f"{code}000000"
        for code in (
            "410802",
            "410803",
            "410804",
            "410811",
            "410821",
            "410822",
            "410823",
            "410825",
            "410882",
            "410883",
        )
    }
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert verify_chain().intact


def test_loading_twice_changes_nothing():
    load_demo()
    regions, users = Region.objects.count(), User.objects.count()
    assert load_demo() == []
    assert (Region.objects.count(), User.objects.count()) == (regions, users)


def test_production_never_gets_demo_data(monkeypatch):
    monkeypatch.setenv("DOUDI_ENV", "production")
    with pytest.raises(DoudiError):
        load_demo()
    assert not Region.objects.exists()
