import datetime
import logging

import pytest

from doudi.conftest import valid_id_number, with_wrong_check_digit
from doudi.identity import protection
from doudi.identity.logging import RedactIdNumbers, redact
from doudi.identity.numbers import InvalidIdNumber, mask, parse_id_number

GOOD = valid_id_number("41082119850101001")  # 修武县, born 1985-01-01, male (odd 17th digit)


def test_a_valid_number_gives_birth_date_sex_and_place():
    number = parse_id_number(GOOD.lower())
    assert number.value == GOOD
    assert number.birth_date == datetime.date(1985, 1, 1)
    assert number.sex == "male"
    assert number.birthplace_code == "410821"
    assert number.birthplace_known


def test_an_even_sequence_digit_is_female():
    assert parse_id_number(valid_id_number("41082119800101002")).sex == "female"


def test_an_unknown_birthplace_is_a_flag_not_an_error():
    number = parse_id_number(valid_id_number("99082119800101001"))
    assert not number.birthplace_known


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("4108211980010100", "18"),
        ("41082119800101001A", "X"),
        (with_wrong_check_digit(GOOD), "check"),
        (valid_id_number("41082119800231001"), "birth date"),
        (valid_id_number("41082121000101001"), "range"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(raw, fragment):
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(raw)
    assert fragment in caught.value.render("en")
    assert caught.value.render() != caught.value.render("en")  # Chinese first


def test_masking_keeps_the_prefecture_and_the_check_character_only():
    assert mask("41082119800101001X") == "4108*************X"
    # A number masked the older way (place code and last four) masks to the same.
    assert mask("410821********001X") == "4108*************X"
    assert mask("12345") == "*****"


def test_encryption_is_randomised_and_reversible_and_the_hash_is_stable():
    first, second = protection.encrypt(GOOD), protection.encrypt(GOOD)
    assert first != second and GOOD not in first
    assert protection.decrypt(first) == GOOD
    assert protection.lookup_hash(GOOD) == protection.lookup_hash(GOOD.lower() + " ")
    assert protection.lookup_hash(GOOD) != protection.lookup_hash(
        valid_id_number("41082119800101002")
    )


def test_another_key_cannot_read_or_find_the_number(settings):
    token, digest = protection.encrypt(GOOD), protection.lookup_hash(GOOD)
    settings.DOUDI_DATA_KEY = "another key entirely"
    with pytest.raises(ValueError, match="key"):
        protection.decrypt(token)
    assert protection.lookup_hash(GOOD) != digest


def test_logs_never_carry_a_full_number(caplog):
    assert redact(f"looked up {GOOD} today") == f"looked up {mask(GOOD)} today"
    logger = logging.getLogger("doudi.test")
    logger.addFilter(RedactIdNumbers())
    with caplog.at_level(logging.INFO):
        logger.info("applicant %s", GOOD)
    assert GOOD not in caplog.text
    assert mask(GOOD) in caplog.text


@pytest.mark.django_db
def test_the_data_migration_masks_stored_numbers_again_without_decrypting(make_user):
    from doudi.accounts.models import User
    from doudi.accounts.roles import Role
    from doudi.identity.remask import remask_column

    user = make_user(Role.TOWNSHIP_HANDLER)
    user.set_id_number(GOOD)
    user.save()
    User.objects.filter(pk=user.pk).update(id_number_masked=GOOD[:6] + "*" * 8 + GOOD[-4:])
    remask_column(User)
    user.refresh_from_db()
    assert user.id_number_masked == mask(GOOD) == GOOD[:4] + "*" * 13 + GOOD[-1]
