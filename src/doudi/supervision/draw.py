"""The reproducible draw of a spot-check sample.

The population is a set of (object id, township) pairs read in one query. Each township's
members are ordered by the SHA-256 digest of ``"<seed>:<id>"`` and the first ``n`` taken, where
``n`` is the township's population times the share, rounded up, at least the minimum and at
most all it has. The order does not depend on how the database returned the rows, on the
vendor or on the Python version: the same seed over the same population gives the same sample,
and anyone can redo the draw from the seed stated on the sample (docs/supervision.md).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable

MAX_SEED = 2**62


def rank_key(seed: int, object_id: int) -> bytes:
    return hashlib.sha256(f"{seed}:{object_id}".encode()).digest()


def sample_size(population: int, share_percent: int, minimum: int) -> int:
    return min(population, max(minimum, math.ceil(population * share_percent / 100)))


def draw(
    population: Iterable[tuple[int, str]], *, seed: int, share_percent: int, minimum: int
) -> list[tuple[int, str]]:
    """The drawn (id, township) pairs, township by township (by code), each in drawn order."""
    by_place: dict[str, set[int]] = defaultdict(set)
    for object_id, place in population:
        by_place[place].add(object_id)
    chosen: list[tuple[int, str]] = []
    for place in sorted(by_place):
        ids = sorted(by_place[place], key=lambda pk: rank_key(seed, pk))
        size = sample_size(len(ids), share_percent, minimum)
        chosen.extend((pk, place) for pk in ids[:size])
    return chosen


def digest(chosen: Iterable[tuple[int, str]]) -> str:
    """A short fingerprint of a drawn sample, kept in its audit event."""
    text = ",".join(str(pk) for pk, _place in chosen)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
