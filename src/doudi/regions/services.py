"""Every change to the region tree: one transaction, one audit event each."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, get_in_scope, require
from doudi.accounts.roles import Permission, Role
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.errors import CellError, DoudiError, NotPermitted, ValidationFailed
from doudi.regions.codes import CLASSIFIED_LEVELS, LEVELS, Level, common_ancestor
from doudi.regions.importer import RegionRow, read_region_csv
from doudi.regions.models import Classification, Region
from doudi.text import required_reason, required_text

if TYPE_CHECKING:
    from doudi.accounts.models import User


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


def snapshot(region: Region) -> dict[str, str]:
    return {"name": region.name, "classification": region.classification}


@transaction.atomic
def import_regions(actor: User | None, data: bytes, source_name: str) -> ImportSummary:
    """Create and rename places from an official code list, all or nothing.

    ``actor`` None is the installation itself, allowed only while no system administrator
    exists (the regions must come before the first account can be placed in one).
    """
    _require_import_right(actor)
    existing = {region.code: region for region in Region.objects.all()}
    rows = read_region_csv(data, set(existing))
    if actor is not None:
        _require_rows_in_jurisdiction(actor, rows)
    created = [row for row in rows if row.code not in existing]
    changed = [
        row
        for row in rows
        if row.code in existing
        and (row.name, row.classification)
        != (existing[row.code].name, existing[row.code].classification)
    ]
    # Parents first, so every foreign key points at a row that is already there.
    for level in LEVELS:
        Region.objects.bulk_create(
            Region(
                code=row.code,
                name=row.name,
                level=row.level,
                parent_id=row.parent_code,
                classification=row.classification,
            )
            for row in created
            if row.level == level
        )
    for row in changed:
        Region.objects.filter(code=row.code).update(
            name=row.name, classification=row.classification
        )
    summary = ImportSummary(len(created), len(changed), len(rows) - len(created) - len(changed))
    record(
        actor=actor,
        action=AuditAction.REGIONS_IMPORT,
        object_type="region_list",
        object_id=hashlib.sha256(data).hexdigest()[:16],
        region_code=common_ancestor(row.code for row in rows),
        before={row.code: snapshot(existing[row.code]) for row in changed},
        after={
            "source": source_name,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "changes": {
                row.code: {"name": row.name, "classification": row.classification}
                for row in changed
            },
        },
    )
    return summary


def _require_import_right(actor: User | None) -> None:
    from doudi.accounts.models import User

    if actor is None:
        if User.objects.filter(role=Role.SYSTEM_ADMIN).exists():
            raise NotPermitted(_("Name the system administrator who imports the file."))
        return
    require(actor, Permission.IMPORT_REGIONS)


def _require_rows_in_jurisdiction(actor: User, rows: list[RegionRow]) -> None:
    outside = [
        CellError(
            _("place %(code)s is outside your jurisdiction."),
            row=row.line,
            column="code",
            code=row.code,
        )
        for row in rows
        if not covers(actor, row.code)
    ]
    if outside:
        raise ValidationFailed(
            _("The file was not imported: %(count)d problems found."),
            problems=outside,
            count=len(outside),
        )


@transaction.atomic
def update_region(actor: User, code: str, *, name: str, classification: str, reason: str) -> Region:
    """Rename a place or change its urban/rural classification."""
    region = get_in_scope(
        actor, Region.objects.select_for_update(), Permission.VIEW_REGIONS, "code", code=code
    )
    require(actor, Permission.EDIT_REGIONS, region.code)
    name = required_text(name, field="name", message=_("The name is empty."))
    if Level(region.level) in CLASSIFIED_LEVELS:
        if classification not in Classification.values:
            raise DoudiError(_("Choose urban or rural."), field="classification")
    elif classification:
        raise DoudiError(
            _("Only townships and villages are classified urban or rural."), field="classification"
        )
    reason = required_reason(reason)
    before = snapshot(region)
    region.name, region.classification = name, classification
    region.save(update_fields=["name", "classification"])
    record(
        actor=actor,
        action=AuditAction.REGION_UPDATE,
        object_type="region",
        object_id=region.code,
        region_code=region.code,
        before=before,
        after=snapshot(region),
        reason=reason,
    )
    return region


@transaction.atomic
def set_confirms_cases(actor: User, code: str, *, confirms: bool, reason: str) -> Region:
    """Delegate confirming cases to a township (审核确认权下放), or take it back. Cases keep
    the setting they were accepted under."""
    region = get_in_scope(
        actor, Region.objects.select_for_update(), Permission.VIEW_REGIONS, "code", code=code
    )
    require(actor, Permission.DELEGATE_CONFIRMATION, region.code)
    if region.level != Level.TOWNSHIP:
        raise DoudiError(_("Only a township can be given the power to confirm."), field="region")
    reason = required_reason(reason)
    before = {"confirms_cases": region.confirms_cases}
    region.confirms_cases = confirms
    region.save(update_fields=["confirms_cases"])
    record(
        actor=actor,
        action=AuditAction.REGION_CONFIRMS_CASES,
        object_type="region",
        object_id=region.code,
        region_code=region.code,
        before=before,
        after={"confirms_cases": confirms},
        reason=reason,
    )
    return region
