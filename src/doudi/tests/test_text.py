"""doudi.text: required free text, trimmed, refused naming its field."""

from __future__ import annotations

import pytest

from doudi.errors import DoudiError
from doudi.text import required_reason, required_text


def test_text_is_trimmed():
    assert required_text("  王五 ", field="name") == "王五"
    assert required_text(12, field="name") == "12"
    assert required_reason("\u3000死亡\n") == "死亡"  # an ideographic space is a blank too


@pytest.mark.parametrize("typed", ["", "   ", "\u3000", "\t\n", None])
def test_nothing_but_blanks_is_refused_naming_the_field(typed):
    with pytest.raises(DoudiError) as caught:
        required_text(typed, field="members[0].name")
    assert caught.value.field == "members[0].name"
    assert caught.value.render("en") == "This field is required."
    with pytest.raises(DoudiError) as caught:
        required_reason(typed)
    assert caught.value.field == "reason"
    assert caught.value.render("en") == "State the reason for this change."
    assert caught.value.render("zh-hans") == "请填写变更理由。"


def test_the_caller_names_the_field_and_may_say_what_is_missing():
    with pytest.raises(DoudiError) as caught:
        required_reason(" ", field="over_budget_reason")
    assert caught.value.field == "over_budget_reason"
    with pytest.raises(DoudiError) as caught:
        required_text("", field="name", message="Give the grant a name.")
    assert caught.value.render("en") == "Give the grant a name."
