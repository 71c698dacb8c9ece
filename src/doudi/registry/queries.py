"""Reads of the registry, scoped to the reader's jurisdiction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.errors import DoudiError
from doudi.identity import protection
from doudi.registry.form_output import render_form
from doudi.registry.models import Attachment, Household, HouseholdVersion, Member

if TYPE_CHECKING:
    from doudi.accounts.models import User


@dataclass(frozen=True)
class HouseholdFilter:
    """What the list can be narrowed by. The ID number travels in a POST body, never a URL."""

    name: str = ""  # a member's name, or its beginning
    id_number: str = ""
    place: str = ""  # a division code (or its prefix) inside the jurisdiction


def households_visible_to(actor: User) -> QuerySet[Household]:
    return scope(actor, Household.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")


def household_list(actor: User, wanted: HouseholdFilter) -> QuerySet[Household]:
    """Households matching the filter (see heads_of and sizes_of for one page's details)."""
    households = households_visible_to(actor)
    if wanted.place:
        households = households.filter(region__code__startswith=wanted.place)
    matching = Member.objects.filter(household=OuterRef("pk"))
    if wanted.name:
        households = households.filter(
            Exists(matching.filter(name__startswith=wanted.name.strip()))
        )
    if wanted.id_number:
        households = households.filter(
            Exists(matching.filter(id_number_hash=protection.lookup_hash(wanted.id_number)))
        )
    return households.select_related("region").order_by("id")


def heads_of(households: list[Household]) -> dict[int, Member]:
    """The current head of each household of one page, in one query."""
    heads = Member.objects.filter(household__in=households, relation="head", left_on__isnull=True)
    return {member.household_id: member for member in heads}


def sizes_of(households: list[Household]) -> dict[int, int]:
    """The current size of each household of one page, in one query.

    Not an annotation on the list: that would make the paginator's count join every member
    of the place (measured 180–230 ms a page at a million households, docs/performance.md).
    """
    rows = (
        Member.objects.filter(household__in=households, left_on__isnull=True)
        .values("household")
        .annotate(size=Count("id"))
        .values_list("household", "size")
    )
    return dict(rows)


def household_for(actor: User, household_id: int) -> Household:
    return get_in_scope(
        actor,
        Household.objects.select_related("region"),
        Permission.VIEW_HOUSEHOLDS,
        "region__code",
        pk=household_id,
    )


def household_form(
    actor: User,
    household_id: int,
    *,
    on: datetime.date | None = None,
    known_on: datetime.date | None = None,
    reveal_id_numbers: bool = False,
) -> dict[str, Any]:
    """The household on day ``on`` (its members then, its incomes up to then), as the registry
    knew it at the end of day ``known_on`` — by default the same day, which is what a decision
    or payment made that day saw. A later ``known_on`` applies what was learnt afterwards
    (a death reported late, a corrected income).

    Revealing the ID numbers is for callers that have audited why (services.reveal_…);
    everyone else gets masked numbers.
    """
    household = household_for(actor, household_id)
    on = on or timezone.localdate()
    known_on = known_on or on
    end_of_day = timezone.make_aware(
        datetime.datetime.combine(known_on + datetime.timedelta(days=1), datetime.time.min)
    )
    version = (
        HouseholdVersion.objects.filter(household=household, recorded_at__lt=end_of_day)
        .order_by("-version")
        .first()
    )
    if version is None:
        raise DoudiError(
            _("The household was not yet registered on %(day)s."),
            field="as_of",
            day=known_on.isoformat(),
        )
    return render_form(
        with_certificates(version.form, household),
        on,
        version=version.version,
        reveal_id_numbers=reveal_id_numbers,
    )


def with_certificates(form: dict[str, Any], household: Household) -> dict[str, Any]:
    """The form with each member's disability certificate validity as last delivered
    (registry.certificates): a delivered fact kept outside the versions, read as the
    whole-place run reads it — the latest, whatever the day asked."""
    delivered = dict(household.members.values_list("pk", "disability_certificate_valid_until"))
    members = []
    for member in form["members"]:
        until = delivered.get(int(member["key"])) if str(member["key"]).isdigit() else None
        members.append(
            {**member, "disability_certificate_valid_until": until.isoformat() if until else None}
        )
    return {**form, "members": members}


def versions_of(actor: User, household_id: int) -> QuerySet[HouseholdVersion]:
    household = household_for(actor, household_id)
    return household.versions.order_by("-version").only(
        "version", "recorded_at", "recorded_by", "action"
    )


def attachments_of(actor: User, household_id: int) -> QuerySet[Attachment]:
    return household_for(actor, household_id).attachments.select_related("uploaded_by")


def attachment_for(actor: User, attachment_id: int) -> Attachment:
    return get_in_scope(
        actor,
        Attachment.objects.select_related("household"),
        Permission.VIEW_HOUSEHOLDS,
        "household__region__code",
        pk=attachment_id,
    )


def member_for(actor: User, member_id: int) -> Member:
    return get_in_scope(
        actor,
        Member.objects.select_related("household"),
        Permission.VIEW_HOUSEHOLDS,
        "household__region__code",
        pk=member_id,
    )
