"""Every change to the registry: one transaction, one new household version, one audit event."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction, audit_action
from doudi.audit.services import record
from doudi.errors import DoudiError, ValidationFailed
from doudi.identity import protection
from doudi.identity.numbers import mask
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.registry.choices import AttachmentCategory, LeaveReason, Relation
from doudi.registry.clashes import audited_refusal, registered_elsewhere
from doudi.registry.form_input import (
    AssetInput,
    ExpenseInput,
    HouseholdInput,
    IncomeInput,
    MemberInput,
    parse_asset,
    parse_expense,
    parse_household,
    parse_income,
    parse_member,
)
from doudi.registry.form_output import stored_form
from doudi.registry.models import (
    Asset,
    Attachment,
    Expense,
    Household,
    HouseholdVersion,
    Income,
    Member,
)
from doudi.text import free_text, required_reason

if TYPE_CHECKING:
    from doudi.accounts.models import User

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    b"%PDF": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG": "image/png",
}
MONEY_FACTS = {"income": Income, "expense": Expense, "asset": Asset}


# ---------------------------------------------------------------- helpers shared by services


def _household_for_change(actor: User, household_id: int) -> Household:
    household = get_in_scope(
        actor,
        Household.objects.select_for_update().select_related("region"),
        Permission.VIEW_HOUSEHOLDS,
        "region__code",
        pk=household_id,
    )
    require(actor, Permission.EDIT_HOUSEHOLDS, household.region_id)
    return household


def _refuse_active_elsewhere(
    actor: User, numbers: list[str], where: str, household: Household | None = None
) -> None:
    """Refused when a number is an active member of another household (registry.clashes
    decides what the refusal may say, audits it and limits such look-ups)."""
    found = registered_elsewhere(actor, numbers, where=where, household=household)
    if found:
        raise next(iter(found.values()))


def _commit_version(
    actor: User | None,
    household: Household,
    action: str,
    *,
    reason: str,
    before: Any = None,
    after: Any = None,
    audited: bool = True,
) -> None:
    """Bump the version, store the whole household as it now stands, and audit the change
    (unless the caller's own step, in the same transaction, is the audited event)."""
    household.version += 1
    household.save(update_fields=["version", "updated_at"])
    HouseholdVersion.objects.create(
        household=household,
        version=household.version,
        recorded_at=timezone.now(),
        recorded_by=actor.username if actor else "system",
        action=action,
        form=stored_form(household),
    )
    if not audited:
        return
    record(
        actor=actor,
        action=action,
        object_type="household",
        object_id=str(household.pk),
        region_code=household.region_id,
        before=before,
        after={"version": household.version, **(after or {})},
        reason=reason,
    )


def _member_fields(member: MemberInput) -> dict[str, Any]:
    return {
        "name": member.name,
        "relation": member.relation,
        "sex": member.id_number.sex,
        "birth_date": member.id_number.birth_date,
        "hukou_region_code": member.hukou_region_code,
        "hukou_type": member.hukou_type,
        "residence_region_code": member.residence_region_code,
        "marital_status": member.marital_status,
        "phone": member.phone,
        "disability_category": member.disability_category,
        "disability_grade": member.disability_grade,
        "serious_illness": member.serious_illness,
        "self_care_failed": member.self_care_failed,
        "education": member.education,
        "in_school": member.in_school,
        "employment": member.employment,
        "death_date": member.death_date,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
        "leave_reason": member.leave_reason,
        "excluded_reason": member.excluded_reason,
        "social_security_card": member.social_security_card,
        "has_capable_supporter": member.has_capable_supporter,
        "orphan_status": member.orphan_status,
        "care_setting": member.care_setting,
        "medical_claim": member.medical_claim,
        "id_number_ciphertext": protection.encrypt(member.id_number.value),
        "id_number_hash": protection.lookup_hash(member.id_number.value),
        "id_number_masked": mask(member.id_number.value),
    }


def _summary(member: Member | MemberInput) -> dict[str, Any]:
    """What the audit trail keeps of a member: no clear ID number."""
    if isinstance(member, MemberInput):
        return {
            "name": member.name,
            "id_number": mask(member.id_number.value),
            "relation": member.relation,
        }
    return {
        "name": member.name,
        "id_number": member.id_number_masked,
        "relation": member.relation,
        "left_on": str(member.left_on or ""),
    }


def _fact_fields(
    kind: str, fact: IncomeInput | ExpenseInput | AssetInput, members: dict[str, Member]
) -> dict[str, Any]:
    fields = {k: v for k, v in vars(fact).items() if k != "member_key"}
    fields["member"] = members.get(fact.member_key) if fact.member_key else None
    return fields


def household_regions(codes: set[str]) -> dict[str, Region]:
    """The villages and communities among these codes (households live in nothing else)."""
    return {r.code: r for r in Region.objects.filter(code__in=codes, level=Level.VILLAGE)}


def not_a_village_error(code: str, field: str = "region") -> DoudiError:
    return DoudiError(
        _("A household lives in a village or community: “%(code)s” is not one."),
        field=field,
        code=code,
    )


def _region_for_household(
    actor: User, region_code: str, permission: Permission = Permission.EDIT_HOUSEHOLDS
) -> Region:
    region = household_regions({region_code}).get(region_code)
    if region is None:
        raise not_a_village_error(region_code)
    require(actor, permission, region.code)
    return region


def create_households(
    actor: User, inputs: list[HouseholdInput], regions: dict[str, Region], *, reason: str
) -> list[Household]:
    """Write checked households in bulk: rows, members, money facts, version 1 of each.

    The caller has checked permissions, places and ID-number clashes, and holds the
    transaction; it also writes the audit event (one per household or one per import).
    """
    households = Household.objects.bulk_create(
        Household(
            region=regions[data.region_code],
            address=data.address,
            disaster_affected=data.disaster_affected,
        )
        for data in inputs
    )
    member_rows = [
        (household, item)
        for household, data in zip(households, inputs, strict=True)
        for item in data.members
    ]
    created = Member.objects.bulk_create(
        Member(household=household, **_member_fields(item)) for household, item in member_rows
    )
    by_key: dict[int, dict[str, Member]] = {}
    for (household, item), member in zip(member_rows, created, strict=True):
        by_key.setdefault(household.pk, {})[item.key] = member
    for kind, items_of in (
        ("income", lambda d: d.incomes),
        ("expense", lambda d: d.expenses),
        ("asset", lambda d: d.assets),
    ):
        MONEY_FACTS[kind].objects.bulk_create(
            MONEY_FACTS[kind](
                household=household, **_fact_fields(kind, item, by_key.get(household.pk, {}))
            )
            for household, data in zip(households, inputs, strict=True)
            for item in items_of(data)
        )
    now = timezone.now()
    author = actor.username if actor else "system"
    fresh = (
        Household.objects.filter(pk__in=[h.pk for h in households])
        .select_related("region")
        .prefetch_related("members", "incomes", "expenses", "assets")
    )
    HouseholdVersion.objects.bulk_create(
        HouseholdVersion(
            household=household,
            version=1,
            recorded_at=now,
            recorded_by=author,
            action=AuditAction.HOUSEHOLD_CREATE,
            form=stored_form(household),
        )
        for household in fresh
    )
    return households


# ---------------------------------------------------------------------------------- services


@audited_refusal
@transaction.atomic
def create_household(
    actor: User, form: dict[str, Any], *, reason: str = "", today: datetime.date | None = None
) -> tuple[Household, list[DoudiError]]:
    """Register a household from its JSON form; returns it and any warnings."""
    require(actor, Permission.EDIT_HOUSEHOLDS)
    data = parse_household(form, today=today)
    region = _region_for_household(actor, data.region_code)
    current = [m.id_number.value for m in data.members if m.left_on is None]
    _refuse_active_elsewhere(actor, current, AuditAction.HOUSEHOLD_CREATE.value)
    (household,) = create_households(actor, [data], {region.code: region}, reason=reason)
    record(
        actor=actor,
        action=AuditAction.HOUSEHOLD_CREATE,
        object_type="household",
        object_id=str(household.pk),
        region_code=household.region_id,
        after={
            "version": 1,
            "members": [_summary(m) for m in data.members],
            "incomes": len(data.incomes),
            "expenses": len(data.expenses),
            "assets": len(data.assets),
        },
        reason=reason,
    )
    return household, data.warnings


@transaction.atomic
def update_household(
    actor: User, household_id: int, *, address: str, region_code: str, reason: str
) -> Household:
    household = _household_for_change(actor, household_id)
    reason = required_reason(reason)
    region = _region_for_household(actor, region_code)
    before = {"address": household.address, "region": household.region_id}
    household.address, household.region = free_text(address, max_length=200), region
    household.save(update_fields=["address", "region", "updated_at"])
    _commit_version(
        actor,
        household,
        AuditAction.HOUSEHOLD_UPDATE,
        reason=reason,
        before=before,
        after={"address": household.address, "region": household.region_id},
    )
    return household


INVESTIGATION_FACTS = ("has_capable_supporter", "orphan_status", "care_setting", "medical_claim")


def keep_investigation_facts(actor: User, household_id: int, data: HouseholdInput) -> int | None:
    """What an investigation established about the household (``data``: its checked form with
    the findings filled in): the disaster impact, and per member a capable supporter, orphan
    status, care setting and medical claim. Written to the registry and kept in a new version;
    returns that version, or None when nothing changed.

    Part of the investigation step (cases.services), which checked the case's permissions and
    whose own audit event records the step, the findings and this version.
    """
    household = Household.objects.select_for_update().get(pk=household_id)
    changed = household.disaster_affected != data.disaster_affected
    household.disaster_affected = data.disaster_affected
    members = {str(m.pk): m for m in household.members.all()}
    for found in data.members:
        member = members.get(found.key)
        if member is None:
            continue
        names = [n for n in INVESTIGATION_FACTS if getattr(member, n) != getattr(found, n)]
        for name in names:
            setattr(member, name, getattr(found, name))
        if names:
            member.save(update_fields=names)
            changed = True
    if not changed:
        return None
    household.save(update_fields=["disaster_affected", "updated_at"])
    _commit_version(
        actor, household, AuditAction.HOUSEHOLD_INVESTIGATION_FACTS, reason="", audited=False
    )
    return household.version


@audited_refusal
@transaction.atomic
def add_member(
    actor: User,
    household_id: int,
    data: dict[str, Any],
    *,
    reason: str,
    today: datetime.date | None = None,
) -> tuple[Member, list[DoudiError]]:
    household = _household_for_change(actor, household_id)
    reason = required_reason(reason)
    member_input, warnings = _parse_one_member(data, household, today)
    if member_input.left_on is None:
        _refuse_active_elsewhere(
            actor, [member_input.id_number.value], AuditAction.HOUSEHOLD_MEMBER_ADD.value
        )
    heads_before = _head_count(household)
    member = Member.objects.create(household=household, **_member_fields(member_input))
    _keep_one_head(household, heads_before, field="relation")
    _commit_version(
        actor,
        household,
        AuditAction.HOUSEHOLD_MEMBER_ADD,
        reason=reason,
        after={"member": _summary(member)},
    )
    return member, warnings


@audited_refusal
@transaction.atomic
def update_member(
    actor: User,
    member_id: int,
    data: dict[str, Any],
    *,
    reason: str,
    today: datetime.date | None = None,
) -> tuple[Member, list[DoudiError]]:
    """Correct or update a member's facts (the whole member record is given again, but an
    empty ID number keeps the one on file: nobody retypes 18 digits to fix a phone number)."""
    member = _member_for_change(actor, member_id)
    reason = required_reason(reason)
    if not str(data.get("id_number") or "").strip():
        data = {**data, "id_number": member.reveal_id_number()}
    member_input, warnings = _parse_one_member(data, member.household, today)
    if member_input.left_on is None:
        _refuse_active_elsewhere(
            actor,
            [member_input.id_number.value],
            AuditAction.HOUSEHOLD_MEMBER_UPDATE.value,
            member.household,
        )
    before = _summary(member)
    heads_before = _head_count(member.household)
    was_head = member.relation == Relation.HEAD and member.left_on is None
    for name, value in _member_fields(member_input).items():
        setattr(member, name, value)
    _save_member(member)
    # The head's record given an end date (or a death) is an end of membership: it names the
    # successor there. Any other loss or second head is a relation to correct.
    ends = "death_date" if member.death_date else "left_on"
    _keep_one_head(
        member.household,
        heads_before,
        field=ends if was_head and member.left_on is not None else "relation",
    )
    _commit_version(
        actor,
        member.household,
        AuditAction.HOUSEHOLD_MEMBER_UPDATE,
        reason=reason,
        before=before,
        after={"member": _summary(member)},
    )
    return member, warnings


@transaction.atomic
def end_membership(
    actor: User,
    member_id: int,
    *,
    left_on: datetime.date,
    leave_reason: str,
    reason: str,
    death_date: datetime.date | None = None,
    new_head: int | None = None,
) -> Member:
    """A member leaves the household (moved out, split, married out) or has died.

    When the head leaves and others remain, ``new_head`` (a current member's id) names the
    successor in the same change: their relation becomes head, kept in the same version and
    audit event. A household without a head (written before this rule) may name one here too.
    """
    member = _member_for_change(actor, member_id)
    reason = required_reason(reason)
    if leave_reason not in LeaveReason.values:
        raise DoudiError(_("Choose why the membership ends."), field="leave_reason")
    if member.left_on is not None:
        raise DoudiError(_("This membership has already ended."), field="left_on")
    if leave_reason == LeaveReason.DEATH:
        if death_date is None:
            raise DoudiError(_("The date of death is required."), field="death_date")
        left_on = death_date
        member.death_date = death_date
    if not member.joined_on <= left_on <= timezone.localdate():
        raise DoudiError(
            _("The end date must lie between the start of the membership and today."),
            field="left_on",
        )
    household = member.household
    successor = _successor(household, member, new_head)
    heads_before = _head_count(household)
    before: dict[str, Any] = {"member": _summary(member)}
    after: dict[str, Any] = {}
    if successor is not None:
        before["new_head"] = _summary(successor)
        successor.relation = Relation.HEAD
        successor.save(update_fields=["relation"])
        after["new_head"] = _summary(successor)
    member.left_on, member.leave_reason = left_on, leave_reason
    _save_member(member)
    _keep_one_head(household, heads_before, field="new_head")
    _commit_version(
        actor,
        household,
        audit_action(f"household.member_{leave_reason}"),
        reason=reason,
        before=before,
        after={"member": _summary(member), **after},
    )
    return member


@transaction.atomic
def add_money_fact(
    actor: User, household_id: int, kind: str, data: dict[str, Any], *, reason: str = ""
) -> Income | Expense | Asset:
    """Record one income, rigid spending or asset (``kind``: income / expense / asset)."""
    household = _household_for_change(actor, household_id)
    parse = {"income": parse_income, "expense": parse_expense, "asset": parse_asset}[kind]
    members = {str(m.pk): m for m in household.members.all()}
    problems: list[DoudiError] = []
    item = parse(data, "", problems, set(members))
    if problems:
        raise ValidationFailed(
            _("Nothing was saved: %(count)d problems found."),
            problems=problems,
            count=len(problems),
        )
    fact = MONEY_FACTS[kind].objects.create(
        household=household, **_fact_fields(kind, item, members)
    )
    _commit_version(
        actor,
        household,
        audit_action(f"household.{kind}_add"),
        reason=reason,
        after={kind: _fact_summary(fact)},
    )
    return fact


@transaction.atomic
def remove_money_fact(actor: User, kind: str, fact_id: int, *, reason: str) -> None:
    fact = MONEY_FACTS[kind].objects.filter(pk=fact_id).first()
    household = _household_for_change(actor, fact.household_id if fact else -1)
    reason = required_reason(reason)
    before = _fact_summary(fact)
    fact.delete()
    _commit_version(
        actor,
        household,
        audit_action(f"household.{kind}_remove"),
        reason=reason,
        before={kind: before},
    )


@transaction.atomic
def add_attachment(
    actor: User, household_id: int, upload: UploadedFile, *, category: str, description: str = ""
) -> Attachment:
    """Add a scanned document (PDF, JPEG or PNG, at most 10 MB) to the household's file."""
    household = _household_for_change(actor, household_id)
    if category not in AttachmentCategory.values:
        raise DoudiError(_("Choose the kind of document."), field="category")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DoudiError(_("The file is larger than 10 MB."), field="file")
    content = upload.read()
    content_type = next(
        (kind for magic, kind in ATTACHMENT_TYPES.items() if content.startswith(magic)), None
    )
    if content_type is None:
        raise DoudiError(_("Only PDF, JPEG and PNG files can be added."), field="file")
    upload.seek(0)
    attachment = Attachment(
        household=household,
        category=category,
        description=free_text(description, max_length=200),
        original_name=free_text(upload.name or "file")[-200:],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(attachment.sha256, upload, save=False)
    attachment.save()
    _commit_version(
        actor,
        household,
        AuditAction.HOUSEHOLD_ATTACHMENT_ADD,
        reason=attachment.description,
        after={
            "attachment": {
                "id": attachment.pk,
                "category": category,
                "sha256": attachment.sha256,
                "size": attachment.size,
            }
        },
    )
    return attachment


@transaction.atomic
def reveal_id_number(actor: User, member_id: int, *, reason: str) -> str:
    """Show one member's full ID number; who looked, and why, goes into the audit trail."""
    member = get_in_scope(
        actor,
        Member.objects.select_related("household"),
        Permission.VIEW_HOUSEHOLDS,
        "household__region__code",
        pk=member_id,
    )
    reason = required_reason(reason)
    record(
        actor=actor,
        action=AuditAction.HOUSEHOLD_REVEAL_ID_NUMBER,
        object_type="household",
        object_id=str(member.household_id),
        region_code=member.household.region_id,
        after={"member": _summary(member)},
        reason=reason,
    )
    return member.reveal_id_number()


# ------------------------------------------------------------------------- private helpers


def _head_count(household: Household) -> tuple[int, int]:
    """The household's current members and, of them, those recorded as head."""
    current = household.members.filter(left_on__isnull=True)
    return current.count(), current.filter(relation=Relation.HEAD).count()


def _keep_one_head(household: Household, before: tuple[int, int], *, field: str) -> None:
    """Refuse a change (inside its transaction, so nothing stays) that leaves a household with
    current members without exactly one current head. A household already without one (data
    written before this rule) may still be changed as long as its heads stay as they were;
    naming its head mends it."""
    members, heads = _head_count(household)
    if members == 0 or heads == 1:
        return
    members_before, heads_before = before
    if members_before and heads_before != 1 and heads == heads_before:
        return
    if heads == 0:
        raise DoudiError(
            _(
                "The household would have no head of household: when the head dies or leaves "
                "while others remain, name the new head in the same change."
            ),
            field=field,
        )
    raise DoudiError(
        _(
            "The household already has a head of household: a household has exactly one. "
            "Change the present head's relation first, or name the new head when the head "
            "leaves."
        ),
        field=field,
    )


def _successor(household: Household, leaving: Member, new_head: int | None) -> Member | None:
    """The current member named to head the household when ``leaving`` goes (None: none named)."""
    if new_head is None:
        return None
    successor = (
        household.members.filter(pk=new_head, left_on__isnull=True).exclude(pk=leaving.pk).first()
    )
    if successor is None:
        raise DoudiError(
            _(
                "The new head must be a current member of this household other than the one "
                "leaving."
            ),
            field="new_head",
        )
    keeps_head = (
        household.members.filter(left_on__isnull=True, relation=Relation.HEAD)
        .exclude(pk=leaving.pk)
        .exists()
    )
    if keeps_head:
        raise DoudiError(
            _("The household keeps its head: a new head is named only when the head leaves."),
            field="new_head",
        )
    return successor


def _member_for_change(actor: User, member_id: int) -> Member:
    member = get_in_scope(
        actor,
        Member.objects.select_related("household"),
        Permission.VIEW_HOUSEHOLDS,
        "household__region__code",
        pk=member_id,
    )
    member.household = _household_for_change(actor, member.household_id)
    return member


def _parse_one_member(
    data: dict[str, Any], household: Household, today: datetime.date | None
) -> tuple[MemberInput, list[DoudiError]]:
    problems: list[DoudiError] = []
    warnings: list[DoudiError] = []
    member = parse_member(
        data, "", problems, warnings, household.region_id, today or timezone.localdate()
    )
    if problems:
        raise ValidationFailed(
            _("The member was not saved: %(count)d problems found."),
            problems=problems,
            count=len(problems),
        )
    return member, warnings


def _save_member(member: Member) -> None:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise DoudiError(
            _("This ID number is already an active member of another household."), field="id_number"
        ) from None


def _fact_summary(fact: Income | Expense | Asset) -> dict[str, Any]:
    summary = {"id": fact.pk, "member": fact.member_id}
    for name in ("month", "income_type", "expense_type", "asset_type", "amount_fen", "value_fen"):
        if hasattr(fact, name):
            value = getattr(fact, name)
            summary[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return summary
