import datetime

import pyarrow as pa
import pytest

from doudi.linkage.measure import measure
from doudi.linkage.model import PAIRS_SCHEMA, link, settings, thresholds

BORN = datetime.date(1980, 1, 2)


def _records(*rows) -> pa.Table:
    names, births, sexes, places = zip(*rows, strict=True)
    return pa.table(
        {
            "name": list(names),
            "birth_date": pa.array(births, pa.date32()),
            "sex": list(sexes),
            "place_code": list(places),
        }
    )


def _registry(*rows) -> pa.Table:
    ids, *rest = zip(*rows, strict=True)
    table = _records(*zip(*rest, strict=True))
    return table.add_column(0, "member_id", pa.array(ids, pa.int64()))


REGISTRY = _registry(
    (10, "王丽", BORN, "female", "410802"),
    (11, "张伟", datetime.date(1990, 5, 5), "male", "410821"),
    (12, "张伟", datetime.date(1990, 5, 5), "male", "410821"),
    (13, "李娜", datetime.date(1970, 3, 3), "female", "410882"),
    (14, "赵强", datetime.date(1970, 3, 3), "male", "410882"),
)


def test_thresholds_are_ordered():
    accept, review = thresholds()
    assert 0 < review < accept < 1
    assert settings()["splink"]["link_type"] == "link_only"


def test_one_clear_candidate_is_a_match():
    pairs = link(_records(("李娜", datetime.date(1970, 3, 3), "female", "410882")), REGISTRY)
    assert pairs.to_pylist() == [
        {
            "record_row": 0,
            "member_id": 13,
            "match_probability": pytest.approx(1, abs=0.01),
            "band": "match",
        }
    ]


def test_namesakes_born_the_same_day_go_to_review():
    pairs = link(_records(("张伟", datetime.date(1990, 5, 5), "male", "410821")), REGISTRY)
    assert sorted(pairs["member_id"].to_pylist()) == [11, 12]
    assert set(pairs["band"].to_pylist()) == {"review"}


def test_same_pinyin_other_character_is_not_lost():
    pairs = link(_records(("王莉", BORN, "female", "410802")), REGISTRY)
    assert pairs["member_id"].to_pylist() == [10]
    assert pairs["band"][0].as_py() in {"match", "review"}


@pytest.mark.parametrize("born", [datetime.date(1986, 1, 2), datetime.date(1980, 1, 7)])
def test_a_typo_in_the_birth_date_goes_to_review(born):
    pairs = link(_records(("王丽", born, "female", "410802")), REGISTRY)
    assert pairs.to_pylist() == [
        {
            "record_row": 0,
            "member_id": 10,
            "match_probability": pytest.approx(0.79, abs=0.05),
            "band": "review",
        }
    ]


def test_someone_else_born_the_same_day_is_no_candidate():
    pairs = link(_records(("孙梅", datetime.date(1970, 3, 3), "female", "410882")), REGISTRY)
    assert pairs.num_rows == 0


def test_empty_input():
    empty = _records(("x", BORN, "male", "410802")).slice(0, 0)
    assert link(empty, REGISTRY).schema == PAIRS_SCHEMA
    assert link(empty, REGISTRY).num_rows == 0


@pytest.mark.parametrize("households", [3000, pytest.param(20_000, marks=pytest.mark.slow)])
def test_precision_and_recall_on_planted_typos(households):
    scores = measure(households, 7, datetime.date(2026, 6, 15))
    assert scores.records >= households // 300  # about one typo per 250 households
    assert scores.precision >= 0.98
    assert scores.recall >= 0.95
