import pytest

from doudi.regions.codes import Level, is_well_formed, level_of, parent_code, prefix_of


@pytest.mark.parametrize(
    ("code", "level", "parent", "prefix"),
    [
        ("410000000000", Level.PROVINCE, None, "41"),
        ("410800000000", Level.CITY, "410000000000", "4108"),
        ("410821000000", Level.COUNTY, "410800000000", "410821"),
        ("410821902000", Level.TOWNSHIP, "410821000000", "410821902"),
        ("410821902001", Level.VILLAGE, "410821902000", "410821902001"),
    ],
)
def test_level_parent_and_prefix_follow_the_segments(code, level, parent, prefix):
    assert is_well_formed(code)
    assert level_of(code) == level
    assert parent_code(code) == parent
    assert prefix_of(code) == prefix


@pytest.mark.parametrize(
    "code",
    [
        "41080000000",  # 11 digits
        "4108000000000",  # 13 digits
        "41080000000A",
        "000000000000",
        "410800000001",  # a village directly under a city: county and township segments empty
        "410021000000",  # a county under an empty city segment
        "",
    ],
)
def test_malformed_codes_are_rejected(code):
    assert not is_well_formed(code)
