"""The Chinese catalogue is complete and the compiled file shipped with it is up to date."""

from pathlib import Path

import polib

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
