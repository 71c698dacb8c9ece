"""An account's display name is shown on every page and document it signs: no hidden characters."""

from __future__ import annotations

import pytest

from doudi.accounts import services
from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.errors import DoudiError

pytestmark = pytest.mark.django_db


def test_a_display_name_hiding_a_direction_override_is_refused(make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    with pytest.raises(DoudiError) as caught:
        services.create_user(
            admin,
            username="wang",
            password="Doudi-Test-2026-long",
            role=Role.TOWNSHIP_HANDLER,
            region_code="410821902000",
            full_name="王\u202e五",
            reason="新同事",
        )
    assert caught.value.field == "full_name" and "U+202E" in caught.value.render("en")
    assert not User.objects.filter(username="wang").exists()
