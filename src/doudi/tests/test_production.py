"""DOUDI_ENV=production refuses to start unsafe: missing or weak secrets, debug pages, open host
names, HTTP, demo accounts — with a message in Chinese and English and an exit status, never a
traceback; and `doudi check --deploy` is clean once everything is right."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command

from doudi.accounts.roles import Role
from doudi.production import WSGI_REFUSAL_STATUS, check_production, problems

GOOD = {
    "DOUDI_SECRET_KEY": secrets.token_urlsafe(48),
    "DOUDI_DATA_KEY": secrets.token_urlsafe(48),
    "DOUDI_ALLOWED_HOSTS": "doudi.mzj.example.cn",
}


def _run(arguments: list[str], tmp_path, **variables: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DOUDI_") and key != "DATABASE_URL"
    }
    environment |= {
        "DOUDI_ENV": "production",
        "DOUDI_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        **variables,
    }
    return subprocess.run(
        [sys.executable, *arguments], env=environment, capture_output=True, text=True, timeout=120
    )


def test_without_secrets_no_command_starts_and_each_missing_one_is_named(tmp_path):
    for arguments in (["-m", "doudi", "serve"], ["-m", "doudi", "migrate"]):
        done = _run(arguments, tmp_path)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert "doudi.E001" in done.stderr and "DOUDI_SECRET_KEY" in done.stderr
        assert "doudi.E002" in done.stderr and "DOUDI_DATA_KEY" in done.stderr
        assert "未设置" in done.stderr and "is not set" in done.stderr  # Chinese, then English
        assert "doudi.E004" in done.stderr  # the host names were left at their local default
    assert not (tmp_path / "var" / "secrets.json").exists()  # no key made up in production


def test_the_wsgi_application_refuses_to_load_too(tmp_path):
    done = _run(["-c", "import doudi.wsgi"], tmp_path, DOUDI_DATA_KEY="short")
    assert done.returncode == WSGI_REFUSAL_STATUS  # gunicorn stops instead of retrying
    assert "Traceback" not in done.stderr
    assert "doudi.E002" in done.stderr and "强度不足" in done.stderr and "weak" in done.stderr


def test_check_deploy_is_clean_when_everything_is_right(tmp_path):
    done = _run(["-m", "doudi", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **GOOD)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_names_debug_pages_as_an_error(tmp_path):
    done = _run(["-m", "doudi", "check", "--deploy"], tmp_path, **GOOD, DOUDI_DEBUG="1")
    assert done.returncode == 1
    assert "doudi.E003" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def production(monkeypatch, settings):
    monkeypatch.setenv("DOUDI_ENV", "production")
    settings.SECRET_KEY = GOOD["DOUDI_SECRET_KEY"]
    settings.DOUDI_DATA_KEY = GOOD["DOUDI_DATA_KEY"]
    settings.ALLOWED_HOSTS = ["doudi.mzj.example.cn"]
    settings.DEBUG = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    return settings


def _ids() -> list[str]:
    return [problem.id for problem in problems()]


@pytest.mark.django_db
def test_a_safe_production_has_no_problem(production, places):
    assert _ids() == []


def test_outside_production_nothing_is_refused(settings):
    settings.DEBUG = True
    assert problems() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [
        ("SECRET_KEY", "django-insecure-" + "x" * 60, "doudi.E001"),
        ("SECRET_KEY", "abcd" * 20, "doudi.E001"),
        ("DOUDI_DATA_KEY", "", "doudi.E002"),
        ("DOUDI_DATA_KEY", "Kx8-short-but-random", "doudi.E002"),
        ("DEBUG", True, "doudi.E003"),
        ("ALLOWED_HOSTS", ["*"], "doudi.E004"),
        ("ALLOWED_HOSTS", ["127.0.0.1", "localhost"], "doudi.E004"),
        ("SESSION_COOKIE_SECURE", False, "doudi.E006"),
        ("CSRF_COOKIE_SECURE", False, "doudi.E006"),
        ("SECURE_HSTS_SECONDS", 0, "doudi.E006"),
    ],
)
def test_each_unsafe_setting_is_an_error_with_its_id(production, setting, value, check_id):
    setattr(production, setting, value)
    assert _ids() == [check_id]
    [error] = check_production()
    assert error.id == check_id and error.is_serious()


@pytest.mark.django_db
def test_demo_accounts_refuse_the_start(production, make_user, monkeypatch):
    make_user(Role.SYSTEM_ADMIN, username="admin")  # the demo loader's administrator
    make_user(Role.TOWNSHIP_HANDLER, username="handler")
    [problem] = problems()
    assert problem.id == "doudi.E005" and "admin, handler" in problem.both()
    monkeypatch.setattr(os, "execvp", lambda *a: pytest.fail("serve started anyway"))
    with pytest.raises(SystemExit) as refused:
        call_command("serve")
    assert refused.value.code == 1


@pytest.mark.django_db
def test_a_deactivated_demo_account_no_longer_refuses(production, make_user):
    from doudi.accounts.models import User

    make_user(Role.TOWNSHIP_HANDLER, username="handler")
    User.objects.filter(username="handler").update(is_active=False)
    assert _ids() == []
