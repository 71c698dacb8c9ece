"""Every change of the public notices: issuing a village's link, a resident's objection from
the public page, and the township's handling of it. Each in one transaction with one audit
event."""

from __future__ import annotations

import datetime
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.cases import services as case_services
from doudi.errors import DoudiError
from doudi.notices import queries
from doudi.notices.models import (
    MAX_NAME,
    MAX_OBJECTION,
    MAX_PHONE,
    NoticeBoard,
    NoticeKind,
    ObjectionState,
    PublicObjection,
)
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.text import free_text, plain_text, required_text

if TYPE_CHECKING:
    from doudi.accounts.models import User

MAX_ANSWER = 500
PHONE = re.compile(r"[0-9][0-9 -]{4,18}[0-9]")


def _today() -> datetime.date:
    return timezone.localdate()


@transaction.atomic
def issue_link(actor: User, village_code: str) -> NoticeBoard:
    """The village's public link: a new random token (the old link, if any, stops working)."""
    village = get_in_scope(
        actor,
        Region.objects.select_for_update().filter(level=Level.VILLAGE),
        Permission.VIEW_CASES,
        "code",
        code=village_code,
    )
    require(actor, Permission.HANDLE_CASES, village.code)
    board = NoticeBoard.objects.filter(region=village).first()
    renewed = board is not None
    board = board or NoticeBoard(region=village)
    board.token = secrets.token_urlsafe(24)
    board.issued_on, board.issued_by = _today(), actor
    board.save()
    record(
        actor=actor,
        action=AuditAction.NOTICE_LINK_ISSUED,
        object_type="notice_board",
        object_id=village.code,
        region_code=village.code,
        after={"renewed": renewed},
    )
    return board


def sender_key(address: str, day: datetime.date) -> str:
    """A keyed hash of the sender's address and the day: the bound per address and day can be
    kept without keeping the address."""
    return salted_hmac("doudi.notices.sender", f"{address}|{day.isoformat()}").hexdigest()


def _objection_fields(name: object, phone: object, text: object) -> tuple[str, str, str]:
    name = plain_text(name, field="name")
    if len(name) > MAX_NAME:
        raise DoudiError(_("Write at most %(most)s characters."), field="name", most=MAX_NAME)
    phone = free_text(phone)
    if phone and (len(phone) > MAX_PHONE or not PHONE.fullmatch(phone)):
        raise DoudiError(
            _("Write a phone number of digits only (a hyphen or space may separate them)."),
            field="phone",
        )
    text = required_text(text, field="text", message=_("Write what you object to."))
    if len(text) > MAX_OBJECTION:
        raise DoudiError(_("Write at most %(most)s characters."), field="text", most=MAX_OBJECTION)
    text = text.replace("\r\n", "\n")
    plain_text(text.replace("\n", " "), field="text")  # line breaks are the only control kept
    return name, phone, text


@transaction.atomic
def lodge_objection(
    token: str, ref: str, *, name: object, phone: object, text: object, address: str
) -> PublicObjection:
    """A resident's objection to one line of a village's notice, from the public page. It
    reaches the line's case (the 7-day notice) or household (the long-term notice) as the
    township's to-do item; no account acts, so the audit event is the system's."""
    board = queries.board_by_token(token)
    today = _today()
    name, phone, text = _objection_fields(name, phone, text)
    notice, case, benefit = queries.line_of(board, str(ref), today)
    if case is None and benefit is None:
        raise DoudiError(_("Choose a line that is on the notice now."), field="ref")
    key = sender_key(address, today)
    most = settings.DOUDI_PUBLIC_OBJECTIONS_PER_DAY
    if PublicObjection.objects.filter(sender_key=key, received_on=today).count() >= most:
        raise DoudiError(
            _(
                "At most %(most)s objections a day can be lodged from one network; "
                "come back tomorrow or call the hotline."
            ),
            field="text",
            most=most,
        )
    found = case or benefit
    objection = PublicObjection.objects.create(
        region_id=board.region_id,
        notice=notice,
        case=case,
        household_id=found.household_id,
        programme=found.programme,
        name=name,
        phone=phone,
        text=text,
        received_on=today,
        sender_key=key,
    )
    record(
        actor=None,
        action=AuditAction.NOTICE_OBJECTION_LODGED,
        object_type="public_objection",
        object_id=str(objection.pk),
        region_code=board.region_id,
        after={
            "notice": notice,
            "case": case.pk if case else None,
            "household": found.household_id,
            "named": bool(name),
        },
    )
    return objection


def _open_objection(actor: User, objection_id: int) -> PublicObjection:
    objection = get_in_scope(
        actor,
        PublicObjection.objects.select_for_update(of=("self",)).select_related("case"),
        Permission.VIEW_CASES,
        "region__code",
        pk=objection_id,
    )
    require(actor, Permission.HANDLE_CASES, objection.region_id)
    if objection.state != ObjectionState.OPEN:
        raise DoudiError(
            _("This objection was already handled on %(day)s."),
            field="state",
            day=objection.handled_on.isoformat() if objection.handled_on else "—",
        )
    return objection


def _handled(
    actor: User, objection: PublicObjection, state: str, answer: str, action: AuditAction
) -> PublicObjection:
    objection.state, objection.answer = state, answer
    objection.handled_on, objection.handled_by = _today(), actor
    objection.save()
    record(
        actor=actor,
        action=action,
        object_type="public_objection",
        object_id=str(objection.pk),
        region_code=objection.region_id,
        before={"state": ObjectionState.OPEN},
        after={"state": state, "case": objection.case_id},
        reason=answer,
    )
    return objection


@transaction.atomic
def record_on_case(actor: User, objection_id: int, *, answer: str) -> PublicObjection:
    """The objection becomes the case's objection (异议, cases.services.object_to), received on
    the day it was lodged: the case goes to re-investigation or a democratic appraisal."""
    objection = _open_objection(actor, objection_id)
    answer = required_text(answer, field="answer", message=_("Write what was done."))[:MAX_ANSWER]
    if objection.notice != NoticeKind.PROPOSED or objection.case_id is None:
        raise DoudiError(
            _("Only an objection to the 7-day notice is recorded on a case."), field="state"
        )
    case_services.object_to(
        actor, objection.case_id, content=objection.text, received_on=objection.received_on
    )
    return _handled(
        actor, objection, ObjectionState.RECORDED, answer, AuditAction.NOTICE_OBJECTION_RECORDED
    )


@transaction.atomic
def answer(actor: User, objection_id: int, *, answer: str) -> PublicObjection:
    """The township looked into it and answers: closed, with what it found."""
    objection = _open_objection(actor, objection_id)
    answer = required_text(answer, field="answer", message=_("Write what was found."))
    return _handled(
        actor,
        objection,
        ObjectionState.CLOSED,
        answer[:MAX_ANSWER],
        AuditAction.NOTICE_OBJECTION_ANSWERED,
    )
