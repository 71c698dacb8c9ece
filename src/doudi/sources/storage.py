"""Where snapshots live: ``<VAR_DIR>/snapshots/<source>/<delivery id>.parquet`` on local disk, or
under ``DOUDI_SNAPSHOT_URI`` (any ``pyarrow.fs`` URI, e.g. ``s3://bucket/doudi``) when set.

A snapshot is written once and never changed: old ones stay readable, since every finding
names the delivery it came from.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from django.conf import settings

from doudi.regions.codes import ancestors
from doudi.sources.contracts import SOURCES
from doudi.sources.models import Delivery


def _root() -> tuple[pafs.FileSystem, str]:
    uri = settings.DOUDI_SNAPSHOT_URI
    if uri:
        filesystem, path = pafs.FileSystem.from_uri(uri)
        return filesystem, path.rstrip("/")
    return pafs.LocalFileSystem(), str(Path(settings.VAR_DIR) / "snapshots")


def snapshot_path(source: str, delivery_id: int) -> str:
    """The snapshot's path as recorded on the Delivery: relative to the root."""
    return f"{source}/{delivery_id}.parquet"


# A snapshot is kept sorted by the ID hash in row groups of this many rows: a check of a few
# people then reads only the row groups whose hash range holds them (Parquet's min/max
# statistics), not the department's whole file.
ROW_GROUP_ROWS = 100_000


def write_snapshot(table: pa.Table, relative: str) -> None:
    filesystem, root = _root()
    order = pc.sort_indices(
        table,
        sort_keys=[("person_hash", "ascending", "at_end"), ("row", "ascending")],
    )
    table = table.take(order)
    path = f"{root}/{relative}"
    filesystem.create_dir(path.rsplit("/", 1)[0], recursive=True)
    # Written under a temporary name and moved: a reader never sees half a snapshot.
    partial = f"{path}.partial"
    pq.write_table(
        table, partial, filesystem=filesystem, compression="zstd", row_group_size=ROW_GROUP_ROWS
    )
    filesystem.move(partial, path)


def remove_snapshot(relative: str) -> None:
    """Forget a snapshot whose delivery did not commit; quiet when it was never written."""
    filesystem, root = _root()
    for path in (f"{root}/{relative}", f"{root}/{relative}.partial"):
        with contextlib.suppress(OSError):  # FileNotFoundError among them
            filesystem.delete_file(path)


def snapshot_exists(relative: str) -> bool:
    filesystem, root = _root()
    return filesystem.get_file_info(f"{root}/{relative}").type == pafs.FileType.File


def read_snapshot(delivery: Delivery) -> pa.Table:
    """The whole snapshot, in the order of the delivered file."""
    filesystem, root = _root()
    table = pq.read_table(f"{root}/{delivery.snapshot_path}", filesystem=filesystem)
    return table.take(pc.sort_indices(table, sort_keys=[("row", "ascending")]))


def read_snapshot_rows(delivery: Delivery, columns: list[str], filters: pc.Expression) -> pa.Table:
    """Only ``columns`` of the rows matching ``filters``, the file's row groups filtered while
    read: for a question about a few rows of a large snapshot (no order promised)."""
    filesystem, root = _root()
    path = f"{root}/{delivery.snapshot_path}"
    return pq.read_table(path, columns=columns, filters=filters, filesystem=filesystem)


def snapshot_location(delivery: Delivery) -> str:
    """Where an engine reads the delivery's snapshot: a local path, or the URI under
    ``DOUDI_SNAPSHOT_URI``."""
    filesystem, root = _root()
    path = f"{root}/{delivery.snapshot_path}"
    if isinstance(filesystem, pafs.LocalFileSystem):
        return path
    return f"{settings.DOUDI_SNAPSHOT_URI.rstrip('/')}/{delivery.snapshot_path}"


def latest_delivery(source: str, place_code: str | None = None) -> Delivery | None:
    """The delivery the engine reads for a source: the newest data, the last received of it.
    With ``place_code``, only deliveries received for that place: by itself or a place above
    it (a county's data is not another county's)."""
    deliveries = Delivery.objects.filter(source=source)
    if place_code is not None:
        deliveries = deliveries.filter(region_code__in=[place_code, *ancestors(place_code)])
    return deliveries.order_by("-delivered_on", "-created_at", "-pk").first()


def latest_snapshots() -> dict[str, tuple[Delivery, pa.Table]]:
    """Each source's latest delivery and its snapshot, for the sources that have one."""
    found = {}
    for key in SOURCES:
        delivery = latest_delivery(key)
        if delivery is not None:
            found[key] = (delivery, read_snapshot(delivery))
    return found
