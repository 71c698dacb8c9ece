"""Changes made by or for partner systems, each in one transaction with one audit event.

Partners are not staff: their events are the system's (actor None), naming the partner in the
event's object and values, so an auditor sees which department asked what and when."""

from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.campaigns.services import route_death_notices
from doudi.errors import DoudiError, NotPermitted
from doudi.exchange import queries
from doudi.exchange.models import (
    DeathNotice,
    DeathNotification,
    EventType,
    PartnerSystem,
    Scope,
    Subscription,
)
from doudi.identity.protection import lookup_hash
from doudi.text import is_digits

TOKEN_PREFIX = "dci_"
OBJECT_TYPE = "exchange.partner"


# ---------------------------------------------------------------- registering a partner


def register_partner(
    actor: User,
    *,
    name: str,
    department: str,
    scopes: list[str],
    region_prefix: str = "",
) -> tuple[PartnerSystem, str]:
    """A new partner and its token, which is returned here once and never kept in clear."""
    if actor.role != Role.SYSTEM_ADMIN:
        raise NotPermitted(_("Only a system administrator registers partner systems."))
    name, department = name.strip(), department.strip()
    _check_partner(name, department, scopes, region_prefix)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        partner = PartnerSystem.objects.create(
            name=name,
            department=department,
            token_hash=queries.token_hash(token),
            scopes=sorted(set(scopes)),
            region_prefix=region_prefix,
            created_by=actor,
        )
        record(
            actor=actor,
            action=AuditAction.PARTNER_REGISTERED,
            object_type=OBJECT_TYPE,
            object_id=str(partner.pk),
            region_code=actor.region_id,
            after=_described(partner),
        )
    return partner, token


def _check_partner(name: str, department: str, scopes: list[str], region_prefix: str) -> None:
    if not name:
        raise DoudiError(_("Give the partner system a name."), field="name")
    if PartnerSystem.objects.filter(name=name).exists():
        raise DoudiError(_("A partner system of this name exists already."), field="name")
    if not department:
        raise DoudiError(_("Name the partner's department."), field="department")
    if not scopes:
        raise DoudiError(_("Give at least one scope."), field="scope")
    for scope in scopes:
        if scope not in Scope.values:
            raise DoudiError(
                _("“%(scope)s” is not a scope; the scopes are: %(known)s."),
                field="scope",
                scope=scope,
                known=", ".join(Scope.values),
            )
    if region_prefix and not (is_digits(region_prefix) and len(region_prefix) <= 12):
        raise DoudiError(
            _("The region prefix is the start of a division code: up to 12 digits."),
            field="region",
        )


def _described(partner: PartnerSystem) -> dict[str, object]:
    return {
        "name": partner.name,
        "department": partner.department,
        "scopes": partner.scopes,
        "region_prefix": partner.region_prefix,
    }


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class Question:
    reference_id: str
    id_number: str  # normalised (identity.numbers.parse_id_number)


@dataclass(frozen=True)
class Answer:
    reference_id: str
    # None: not found (unknown, outside the partner's region or on no assistance now).
    receives_assistance: bool | None
    programmes: list[str] | None  # None where the agreement does not allow the programmes


def search(
    partner: PartnerSystem, *, transaction_id: str, questions: list[Question]
) -> list[Answer]:
    """Answer each question as far as the partner's scopes allow; the search itself is audited."""
    if not (partner.allows(Scope.RECEIVES_ASSISTANCE) or partner.allows(Scope.PROGRAMMES)):
        raise NotPermitted(_("The partner's agreement does not allow searching the registry."))
    month = timezone.localdate().replace(day=1)
    answers, places = [], []
    for question in questions:
        member = queries.current_member(partner, question.id_number)
        benefits = queries.benefits_in_force(member, month) if member else []
        if benefits:
            places.append(member.household.region_id)
        answers.append(_answer(partner, question.reference_id, benefits))
    with transaction.atomic():
        record(
            actor=None,
            action=AuditAction.PARTNER_SEARCH,
            object_type=OBJECT_TYPE,
            object_id=str(partner.pk),
            region_code="",
            places=places,
            after={
                "partner": partner.name,
                "transaction_id": transaction_id,
                "asked": [q.reference_id for q in questions],
                "found": [a.reference_id for a in answers if a.receives_assistance],
            },
        )
    return answers


def _answer(partner: PartnerSystem, reference_id: str, benefits: list) -> Answer:
    if not benefits:
        return Answer(reference_id, None, None)
    programmes = sorted({benefit.programme for benefit in benefits})
    return Answer(
        reference_id,
        True if partner.allows(Scope.RECEIVES_ASSISTANCE) else None,
        programmes if partner.allows(Scope.PROGRAMMES) else None,
    )


# ---------------------------------------------------------------- subscriptions


def subscribe(partner: PartnerSystem, *, event_type: str) -> Subscription:
    _require_notify_scope(partner)
    with transaction.atomic():
        subscription = Subscription.objects.create(
            partner=partner, code=str(uuid.uuid4()), event_type=event_type
        )
        record(
            actor=None,
            action=AuditAction.PARTNER_SUBSCRIBE,
            object_type=OBJECT_TYPE,
            object_id=str(partner.pk),
            region_code="",
            after={"partner": partner.name, "code": subscription.code, "event": event_type},
        )
    return subscription


def unsubscribe(partner: PartnerSystem, *, codes: list[str]) -> list[str]:
    """End the partner's own subscriptions among ``codes``; the codes ended."""
    with transaction.atomic():
        subscriptions = Subscription.objects.select_for_update().filter(
            partner=partner, code__in=codes, active=True
        )
        ended = sorted(subscription.code for subscription in subscriptions)
        Subscription.objects.filter(code__in=ended).update(active=False)
        record(
            actor=None,
            action=AuditAction.PARTNER_UNSUBSCRIBE,
            object_type=OBJECT_TYPE,
            object_id=str(partner.pk),
            region_code="",
            after={"partner": partner.name, "codes": ended},
        )
    return ended


def _require_notify_scope(partner: PartnerSystem) -> None:
    if not partner.allows(Scope.NOTIFY_DEATHS):
        raise NotPermitted(_("The partner's agreement does not allow notifying deaths."))


# ---------------------------------------------------------------- death notifications


@dataclass(frozen=True)
class Death:
    reference_id: str
    id_number: str  # normalised
    death_date: datetime.date


def notify_deaths(partner: PartnerSystem, *, message_id: str, deaths: list[Death]) -> list[str]:
    """Store each death once (a repeated reference is skipped) and leave a pending notice for
    each person on assistance; the references newly stored."""
    _require_notify_scope(partner)
    if not queries.is_subscribed(partner, EventType.DEATH_REGISTERED):
        raise NotPermitted(_("Subscribe to DEATH_REGISTERED before notifying deaths."))
    month = timezone.localdate().replace(day=1)
    with transaction.atomic():
        stored, notices = [], []
        for death in deaths:
            notification, created = DeathNotification.objects.get_or_create(
                partner=partner,
                reference_id=death.reference_id,
                defaults={
                    "message_id": message_id,
                    "id_number_hash": lookup_hash(death.id_number),
                    "death_date": death.death_date,
                },
            )
            if created:
                stored.append(death.reference_id)
                notice = _notice(partner, notification, death, month)
                if notice:
                    notices.append(notice)
        findings = route_death_notices(notices)
        record(
            actor=None,
            action=AuditAction.PARTNER_NOTIFY,
            object_type=OBJECT_TYPE,
            object_id=str(partner.pk),
            region_code="",
            places=[notice.household.region_id for notice in notices],
            after={
                "partner": partner.name,
                "message_id": message_id,
                "stored": stored,
                "notices": [notice.pk for notice in notices],
                "findings": [finding.pk for finding in findings],
            },
        )
    return stored


def _notice(
    partner: PartnerSystem, notification: DeathNotification, death: Death, month: datetime.date
) -> DeathNotice | None:
    member = queries.current_member(partner, death.id_number)
    benefits = queries.benefits_in_force(member, month) if member else []
    if not benefits:
        return None
    notice = DeathNotice.objects.create(
        notification=notification,
        household=member.household,
        member=member,
        death_date=death.death_date,
    )
    notice.benefits.set(benefits)
    return notice
