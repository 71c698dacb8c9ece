"""doudi partners add | list."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from doudi.accounts.roles import Role
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.exchange.models import PartnerSystem
from doudi.exchange.queries import partner_of_token

pytestmark = pytest.mark.django_db


def add(*extra: str) -> str:
    out = io.StringIO()
    call_command(
        "partners",
        "add",
        "公安人口系统",
        "--department",
        "焦作市公安局",
        "--scope",
        "notify_deaths",
        "--scope",
        "receives_assistance",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_an_administrator_registers_a_partner_and_sees_the_token_once(admin_user, cli_as):
    cli_as(admin_user)
    printed = add("--user", admin_user.username, "--region", "4108")
    token = printed.split()[-1]
    partner = partner_of_token(token)
    assert partner.scopes == ["notify_deaths", "receives_assistance"]
    assert partner.region_prefix == "4108"
    assert token not in str(PartnerSystem.objects.values().get())
    assert AuditEvent.objects.filter(action=AuditAction.PARTNER_REGISTERED).count() == 1

    out = io.StringIO()
    call_command("partners", "list", stdout=out)
    assert "公安人口系统" in out.getvalue() and token not in out.getvalue()


def test_only_a_system_administrator_registers(make_user, cli_as):
    handler = make_user(Role.TOWNSHIP_HANDLER)
    cli_as(handler)
    with pytest.raises(CommandError):
        add("--user", handler.username)
    assert not PartnerSystem.objects.exists()


def test_a_bad_region_is_refused_naming_it(admin_user, cli_as):
    cli_as(admin_user)
    with pytest.raises(CommandError, match="region"):
        add("--user", admin_user.username, "--region", "41-08")
