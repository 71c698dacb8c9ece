"""The doudi command line, run as a user would run it."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.models import User
from doudi.conftest import PASSWORD


def test_help_lists_doudi_commands():
    result = subprocess.run(
        [sys.executable, "-m", "doudi", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("audit", "demo", "regions", "serve", "users"):
        assert f"  {command} " in result.stdout


@pytest.mark.django_db
def test_bootstrap_admin_only_once(places, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    call_command(
        "users",
        "bootstrap-admin",
        "--username",
        "root1",
        "--region",
        "410800000000",
        "--password-stdin",
    )
    assert User.objects.get(username="root1").check_password(PASSWORD)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="系统管理员已存在"):
        call_command(
            "users",
            "bootstrap-admin",
            "--username",
            "root2",
            "--region",
            "410800000000",
            "--password-stdin",
        )
    assert not User.objects.filter(username="root2").exists()


@pytest.mark.django_db
def test_an_unknown_acting_user_is_refused(places):
    with pytest.raises(CommandError, match="nobody"):
        call_command("users", "unlock", "someone", "--reason", "x", "--user", "nobody")
