"""Receiving a department's delivery: checked whole, stored whole, recorded once — while the
page waits, or, for a large file, in a background job (doudi.jobs) that runs ``deliver``."""

from __future__ import annotations

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.errors import DoudiError
from doudi.identity.numbers import mask_id_numbers
from doudi.jobs import progress
from doudi.jobs import services as jobs
from doudi.jobs.models import Job, JobKind
from doudi.registry.certificates import take_certificate_dates
from doudi.sources import storage
from doudi.sources.contracts import get_source
from doudi.sources.models import Delivery
from doudi.sources.reading import read_delivery

MAX_FILENAME = 255
# A department's export of a county runs to tens of megabytes; a city's larger files go by
# the command line (doudi sources load), which has no such limit.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# The disability federation's certificates: each delivery keeps the members' certificate
# validity in step (registry.certificates), in the delivery's transaction.
CERTIFICATES = "disability"


def deliver(
    actor,
    source_key: str,
    data: bytes,
    filename: str,
    *,
    version: int | None = None,
    delivered_on: datetime.date | None = None,
) -> Delivery:
    """Read ``data`` by the source's contract (the latest version unless one is named) and keep
    it as a snapshot. ``delivered_on`` is the data's date; by default the contract's date
    column (数据日期) tells it, else today.

    Refused whole (ValidationFailed listing every fault) or stored whole: the Delivery row, its
    snapshot and one audit event commit together, and a snapshot whose row did not commit is
    removed again."""
    require(actor, Permission.LOAD_DEPARTMENT_DATA)
    source = get_source(source_key)
    contract = source.contract(version)
    filename = _filename(filename)
    reading = read_delivery(contract, data, filename)
    delivered_on = delivered_on or reading.data_date or timezone.localdate()
    progress.report(0, None, _("Storing the snapshot"))
    digest = hashlib.sha256(data).hexdigest()
    written: str | None = None
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                source=source.key,
                contract_version=contract.version,
                department=source.department,
                delivered_on=delivered_on,
                filename=filename,
                sha256=digest,
                rows=reading.rows,
                rows_without_valid_id=reading.rows_without_valid_id,
                delivered_by=actor,
                region_code=actor.region_id,
            )
            written = storage.snapshot_path(source.key, delivery.pk)
            storage.write_snapshot(reading.table, written)
            delivery.snapshot_path = written
            delivery.save(update_fields=["snapshot_path"])
            taken = {}
            if source.key == CERTIFICATES:
                taken["certificate_dates_changed"] = take_certificate_dates(
                    reading.table, actor.region_id
                )
            record(
                actor=actor,
                action=AuditAction.SOURCE_DELIVERED,
                object_type="delivery",
                object_id=str(delivery.pk),
                region_code=actor.region_id,
                after={
                    "source": source.key,
                    "contract_version": contract.version,
                    "delivered_on": delivered_on.isoformat(),
                    "filename": filename,
                    "sha256": digest,
                    "rows": reading.rows,
                    "rows_without_valid_id": reading.rows_without_valid_id,
                    **taken,
                },
            )
    except BaseException:
        if written is not None:
            storage.remove_snapshot(written)
        raise
    return delivery


def _filename(filename: str) -> str:
    # A file name is typed by someone: an ID number in it is kept masked.
    filename = mask_id_numbers(filename.strip())[-MAX_FILENAME:]
    if not filename:
        raise DoudiError(_("The file has no name."), field="file")
    return filename


def check_upload_size(size: int) -> None:
    """Refuse an upload (page or API) over the limit, before it is read."""
    if size > MAX_UPLOAD_BYTES:
        raise DoudiError(
            _("The file is larger than %(max)d MB; load it with doudi sources load."),
            field="file",
            max=MAX_UPLOAD_BYTES // 2**20,
        )


def receive(
    actor,
    source_key: str,
    data: bytes,
    filename: str,
    *,
    version: int | None = None,
    delivered_on: datetime.date | None = None,
) -> Delivery | Job:
    """An uploaded delivery (page or API): read at once, or, when larger than the background
    size (settings.IMPORT_BACKGROUND_BYTES), handed to a job that reads it."""
    check_upload_size(len(data))
    receiving = deliver_in_background if jobs.in_background(data, MAX_UPLOAD_BYTES) else deliver
    return receiving(actor, source_key, data, filename, version=version, delivered_on=delivered_on)


def deliver_in_background(
    actor,
    source_key: str,
    data: bytes,
    filename: str,
    *,
    version: int | None = None,
    delivered_on: datetime.date | None = None,
) -> Job:
    """Hand a large delivery to a background job that runs ``deliver`` as ``actor``. What can be
    refused without reading the file is refused now, as ``deliver`` would."""
    require(actor, Permission.LOAD_DEPARTMENT_DATA)
    source = get_source(source_key)
    source.contract(version)
    params = {
        "source": source.key,
        "version": version,
        "delivered_on": delivered_on.isoformat() if delivered_on else None,
    }
    return jobs.enqueue(actor, JobKind.DELIVERY, data, _filename(filename), params)


def describe_delivery(delivery: Delivery) -> str:
    """What a received delivery holds, in the active language."""
    return gettext(
        "Delivery %(id)d received: %(source)s, %(rows)d rows, %(invalid)d of them without a "
        "valid ID number."
    ) % {
        "id": delivery.pk,
        "source": get_source(delivery.source).label,
        "rows": delivery.rows,
        "invalid": delivery.rows_without_valid_id,
    }
