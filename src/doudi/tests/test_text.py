"""doudi.text: required free text, trimmed, refused naming its field."""

from __future__ import annotations

import pytest

from doudi.errors import DoudiError
from doudi.text import plain_text, required_reason, required_text, unsafe_character


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


@pytest.mark.parametrize(
    ("typed", "character"),
    [
        ("张\x00三", "U+0000"),
        ("张\x1b三", "U+001B"),
        ("张\x7f三", "U+007F"),
        ("张\x9b三", "U+009B"),  # C1: a control sequence introducer
        ("张\u202e三", "U+202E"),
        ("张\u202a三", "U+202A"),
        ("张\u2066三", "U+2066"),
        ("张\u2069三", "U+2069"),
        ("张\u200b三", "U+200B"),
        ("张\u200d三", "U+200D"),
        ("张\u2060三", "U+2060"),
        ("张\ufeff三", "U+FEFF"),
        ("张\n三", "U+000A"),
    ],
)
def test_hidden_control_and_direction_characters_are_refused_naming_field_and_character(
    typed, character
):
    assert unsafe_character(typed) == character
    with pytest.raises(DoudiError) as caught:
        plain_text(typed, field="members[0].name")
    assert caught.value.field == "members[0].name"
    assert character in caught.value.render("zh-hans")
    assert caught.value.render("zh-hans").startswith("含有不可见字符")
    assert caught.value.render("en").startswith("contains an invisible, control or direction")


@pytest.mark.parametrize(
    "typed", ["张三", "阿依古丽·买买提", "示例一村 3 组 12 号", "Zhang San", "王\u3000五", "=1+1"]
)
def test_ordinary_names_and_addresses_pass_trimmed(typed):
    assert plain_text(f" {typed} ", field="name") == typed
    assert unsafe_character(typed) is None


def test_a_required_name_is_refused_when_blank_and_an_optional_one_may_be():
    assert plain_text("", field="proxy_name") == ""
    with pytest.raises(DoudiError) as caught:
        plain_text(" ", field="proxy_name", required=True, message="Name who applied.")
    assert caught.value.field == "proxy_name" and caught.value.render("en") == "Name who applied."
