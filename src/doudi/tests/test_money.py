"""doudi.money: yuan as typed and shown, integer fen inside."""

from __future__ import annotations

from decimal import Decimal

import pytest

from doudi.money import fen_to_decimal, fen_to_yuan, whole_fen, yuan_to_fen
from doudi.tests import refusal


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("1,234.56", 123456),
        ("1，234.5", 123450),  # a full-width comma
        (" 0.01 ", 1),
        ("0", 0),
        ("12.300", 1230),  # trailing zeros are not a third decimal
        (7, 700),
        (Decimal("99999999999.99"), 9999999999999),
    ],
)
def test_yuan_to_fen_is_exact(typed, fen):
    assert yuan_to_fen(typed) == fen


@pytest.mark.parametrize("typed", ["12.345", "-1", "abc", "", "NaN", "Infinity", "1e3x"])
def test_yuan_to_fen_refuses_naming_the_field(typed):
    assert refusal(yuan_to_fen, typed, field="needs[0].requested_amount").field == (
        "needs[0].requested_amount"
    )


@pytest.mark.parametrize(
    ("fen", "grouped", "plain"),
    [
        (123456, "1,234.56", "1234.56"),
        (0, "0.00", "0.00"),
        (5, "0.05", "0.05"),
        (-123456789, "-1,234,567.89", "-1234567.89"),
        (-5, "-0.05", "-0.05"),  # a negative under one yuan keeps its sign
        (100_000_000, "1,000,000.00", "1000000.00"),
    ],
)
def test_fen_to_yuan_with_and_without_separators(fen, grouped, plain):
    assert fen_to_yuan(fen) == grouped
    assert fen_to_yuan(fen, grouped=False) == plain
    if fen >= 0:  # what is shown reads back (a typed amount is never negative)
        assert yuan_to_fen(grouped) == yuan_to_fen(plain) == fen


@pytest.mark.parametrize(("fen", "amount"), [(123456, "1234.56"), (100, "1.00"), (0, "0.00")])
def test_fen_to_decimal_is_exact_with_two_places(fen, amount):
    value = fen_to_decimal(fen)
    assert value == Decimal(amount) and str(value) == amount
    assert fen_to_decimal(-1) == Decimal("-0.01")


def test_whole_fen_takes_whole_numbers_only():
    assert whole_fen(0) == 0
    assert whole_fen(12345, field="amount") == 12345
    assert whole_fen(1, positive=True) == 1


@pytest.mark.parametrize("given", [True, False, 1.5, 100.0, "100", None, Decimal("1"), [1]])
def test_whole_fen_refuses_anything_but_an_int_and_bool_is_not_a_number(given):
    error = refusal(whole_fen, given, field="needs[2].requested_amount")
    assert error.field == "needs[2].requested_amount"
    assert "whole number of fen" in error.render("en")


def test_whole_fen_refuses_negative_and_zero_where_positive():
    assert refusal(whole_fen, -1, field="amount").render("en") == "An amount cannot be negative."
    assert refusal(whole_fen, -1).field == "amount_fen"  # the default name
    error = refusal(whole_fen, 0, field="amount", positive=True)
    assert error.field == "amount" and error.render("en") == "The amount must be more than zero."
