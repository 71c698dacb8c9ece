"""The household as a JSON form: stored with every version, rendered for a date.

The stored form keeps ID numbers only encrypted and masked. Rendering for a date picks the
members who belonged then, adds what is derived on that date (age, ability to work, self-care
level, 人户分离), and shows ID numbers masked unless revealing was asked for (and audited).
"""

from __future__ import annotations

import datetime
from typing import Any

from doudi.dates import month_text
from doudi.identity import protection
from doudi.identity.numbers import mask
from doudi.registry import rules
from doudi.registry.choices import COUNTED_INCOME_TYPES
from doudi.registry.models import Household, Member

FORM_SCHEMA_VERSION = 1


def _stored_member(member: Member) -> dict[str, Any]:
    return {
        "key": str(member.pk),
        "name": member.name,
        "id_number_masked": member.id_number_masked,
        "id_number_ciphertext": member.id_number_ciphertext,
        "relation": member.relation,
        "sex": member.sex,
        "birth_date": member.birth_date.isoformat(),
        "hukou_region": member.hukou_region_code,
        "hukou_type": member.hukou_type,
        "residence_region": member.residence_region_code,
        "marital_status": member.marital_status,
        "phone": member.phone,
        "disability_category": member.disability_category,
        "disability_grade": member.disability_grade,
        "serious_illness": member.serious_illness,
        "self_care_failed": list(member.self_care_failed),
        "education": member.education,
        "in_school": member.in_school,
        "employment": member.employment,
        "death_date": member.death_date.isoformat() if member.death_date else None,
        "joined_on": member.joined_on.isoformat(),
        "left_on": member.left_on.isoformat() if member.left_on else None,
        "leave_reason": member.leave_reason,
        "excluded_reason": member.excluded_reason,
        "social_security_card": member.social_security_card,
        "has_capable_supporter": member.has_capable_supporter,
        "orphan_status": member.orphan_status,
        "care_setting": member.care_setting,
        "medical_claim": member.medical_claim,
    }


def _by_id(rows) -> list:
    # Sorted in Python so that a prefetched set (bulk import) needs no further query.
    return sorted(rows, key=lambda row: row.pk)


def stored_form(household: Household) -> dict[str, Any]:
    """The whole current household, as kept in its version history."""
    return {
        "schema_version": FORM_SCHEMA_VERSION,
        "id": household.pk,
        "file_number": household.file_number,
        "region": household.region_id,
        "classification": household.region.classification,
        "address": household.address,
        "disaster_affected": household.disaster_affected,
        "members": [_stored_member(m) for m in _by_id(household.members.all())],
        "incomes": [
            {
                "key": str(i.pk),
                "member": str(i.member_id) if i.member_id else None,
                "month": month_text(i.month),
                "type": i.income_type,
                "amount_fen": i.amount_fen,
                "note": i.note,
            }
            for i in _by_id(household.incomes.all())
        ],
        "expenses": [
            {
                "key": str(e.pk),
                "member": str(e.member_id) if e.member_id else None,
                "month": month_text(e.month),
                "type": e.expense_type,
                "amount_fen": e.amount_fen,
                "note": e.note,
            }
            for e in _by_id(household.expenses.all())
        ],
        "assets": [
            {
                "key": str(a.pk),
                "member": str(a.member_id) if a.member_id else None,
                "type": a.asset_type,
                "value_fen": a.value_fen,
                "vehicle_type": a.vehicle_type,
                "floor_area_m2": str(a.floor_area_m2) if a.floor_area_m2 is not None else None,
                "registered_capital_fen": a.registered_capital_fen,
                "note": a.note,
            }
            for a in _by_id(household.assets.all())
        ],
    }


def render_form(
    stored: dict[str, Any], on: datetime.date, *, version: int, reveal_id_numbers: bool = False
) -> dict[str, Any]:
    """The public JSON form of the household on date ``on`` (schema/household.schema.json)."""
    members, former = [], []
    for member in stored["members"]:
        joined = datetime.date.fromisoformat(member["joined_on"])
        left = datetime.date.fromisoformat(member["left_on"]) if member["left_on"] else None
        if joined > on:
            continue
        public = _public_member(member, on, reveal_id_numbers)
        (members if rules.is_member_on(joined, left, on) else former).append(public)
    month = month_text(on)
    return {
        "schema_version": stored["schema_version"],
        "id": stored["id"],
        "file_number": stored["file_number"],
        "version": version,
        "as_of": on.isoformat(),
        "region": stored["region"],
        "classification": stored["classification"],
        "address": stored["address"],
        # Versions stored before the investigation facts were kept have none: the defaults.
        "disaster_affected": stored.get("disaster_affected", False),
        "members": members,
        "former_members": former,
        "incomes": [
            dict(i, counted=i["type"] in COUNTED_INCOME_TYPES)
            for i in stored["incomes"]
            if i["month"] <= month
        ],
        "expenses": [e for e in stored["expenses"] if e["month"] <= month],
        "assets": stored["assets"],
    }


def _public_member(member: dict[str, Any], on: datetime.date, reveal: bool) -> dict[str, Any]:
    public = {
        k: v for k, v in member.items() if k not in ("id_number_ciphertext", "id_number_masked")
    }
    born = datetime.date.fromisoformat(member["birth_date"])
    if reveal:
        public["id_number"] = protection.decrypt(member["id_number_ciphertext"])
    else:
        # Masked, the birth date stays hidden too: it is what the mask hides, so showing it beside
        # the mask would give the number back (decisions/0011-keeps-prefecture-and-check-digit.md).
        # The age (derived, below) is shown instead, and a membership that began on the day of
        # birth says so without the day. Versions stored under the older mask are masked again
        # (mask() accepts its output).
        public["id_number"] = mask(member["id_number_masked"])
        del public["birth_date"]
        if member["joined_on"] == member["birth_date"]:
            public["joined_on"] = None
    public["derived"] = {
        "age": rules.age_on(born, on),
        "unable_to_work_reason": rules.unable_to_work_reason(
            born, member["disability_category"], member["disability_grade"], on
        ),
        "self_care_level": rules.self_care_level(member["self_care_failed"]).value,
        "separated_from_hukou": member["hukou_region"] != member["residence_region"],
        "counted": not member["excluded_reason"],
        "joined_at_birth": member["joined_on"] == member["birth_date"],
    }
    public["derived"]["able_to_work"] = not public["derived"]["unable_to_work_reason"]
    return public
