"""The Chinese catalogue is complete and the compiled file shipped with it is up to date."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

import doudi

CATALOGUE = Path(doudi.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_its_source():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    assert {e.msgid: e.msgstr for e in po} == {e.msgid: e.msgstr for e in mo if e.msgid}


@pytest.mark.slow
def test_every_message_in_the_code_is_in_the_catalogue(tmp_path, monkeypatch):
    """makemessages over a copy of the package finds nothing the catalogue lacks."""
    copy = tmp_path / "doudi"
    shutil.copytree(
        Path(doudi.__file__).parent,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests"),
    )
    monkeypatch.chdir(copy)
    call_command(
        "makemessages", locale=["zh_Hans"], no_location=True, no_obsolete=True, verbosity=0
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(CATALOGUE / "django.po"))}
    assert sorted(extracted - committed) == []
