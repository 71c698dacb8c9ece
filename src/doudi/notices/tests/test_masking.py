"""The masking rules of every public field, in one module."""

from __future__ import annotations

import pytest

from doudi.notices.masking import entry, mask_name, public_amount, public_text


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三丰", "张*丰"),
        ("张明", "张*"),
        ("欧阳娜娜", "欧**娜"),
        ("张", "*"),
        ("", "*"),
        (" 李 四 ", "李*"),
        ("阿依古丽·买买提", "阿******提"),
    ],
)
def test_a_name_keeps_its_first_and_last_character_only(name, shown):
    assert mask_name(name) == shown


def test_amounts_are_yuan_with_two_decimals_and_a_dash_before_confirmation():
    assert public_amount(37700) == "377.00"
    assert public_amount(0) == "0.00"
    assert public_amount(None) == "—"


def test_an_id_number_inside_a_published_name_is_masked():
    assert public_text("村410821199001011234") == "村4108*************4"


def test_a_de_facto_unsupported_child_is_never_a_public_line():
    fields = {
        "ref": "b1",
        "name": "王小明",
        "household_size": 1,
        "programme_label": "x",
        "item": "x",
        "amount_fen": 100,
        "village": "示例村",
    }
    assert entry(programme="de_facto_unsupported", **fields) is None
    line = entry(programme="minimum_living", **fields)
    assert line.name == "王*明" and line.monthly_amount == "1.00"
    assert set(vars(line)) == {
        "ref",
        "name",
        "household_size",
        "programme",
        "item",
        "monthly_amount",
        "village",
        "notice_ends_on",
    }
