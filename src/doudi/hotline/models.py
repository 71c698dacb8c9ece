"""The social-assistance service hotline (社会救助服务热线): a ticket (工单) for every call,
letter, message from a public notice page or case handed over by the 12345 government line —
owned by the township of the place it concerns, due within the working days its category's
dated parameter gives, escalated to the county once overdue, closed with the answer given and
the caller's satisfaction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.cases.models import Case
from doudi.early_warning.models import EarlyWarning
from doudi.regions.models import Region
from doudi.registry.models import Household
from doudi.supervision.models import Finding

STAFF = settings.AUTH_USER_MODEL
MAX_CONTENT = 1000
MAX_NAME = 30
MAX_PHONE = 20
MAX_ANSWER = 1000


class Source(models.TextChoices):
    CALL = "call", _("Call to the hotline")
    PUBLIC_PAGE = "public_page", _("From a public notice page")
    LETTER = "letter", _("Letter")
    GOVERNMENT_12345 = "12345", _("Handed over by the 12345 government line")


class Category(models.TextChoices):
    ENQUIRY = "enquiry", _("Policy enquiry")
    APPLICATION_HELP = "application_help", _("Help to apply")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report of fraud or favouritism")
    OBJECTION = "objection", _("Objection to a decision or notice")


class TicketState(models.TextChoices):
    OPEN = "open", _("Being handled by the township")
    ESCALATED = "escalated", _("Overdue, escalated to the county")
    CLOSED = "closed", _("Answered and closed")


OPEN_STATES = (TicketState.OPEN, TicketState.ESCALATED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")
    NOT_REACHED = "not_reached", _("Caller not reached")


class Ticket(models.Model):
    """One matter raised by a caller. The caller's name and phone are kept to call back and
    shown masked (notices.masking); the household, when known, links the ticket to its file."""

    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="hotline_tickets",
        verbose_name=_("township"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_tickets",
        verbose_name=_("household"),
    )
    caller_name = models.CharField(_("caller's name"), max_length=MAX_NAME, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=MAX_PHONE, blank=True)
    content = models.TextField(_("what the caller raised"))
    external_number = models.CharField(_("12345 ticket number"), max_length=40, blank=True)
    received_on = models.DateField(_("received"))
    received_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The deadline as the parameter in force on the day received gave it, with its reference.
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"))
    deadline_reference = models.CharField(max_length=400, blank=True)
    due_on = models.DateField(_("due"), db_index=True)
    # The public page's bound per network and day (notices.services.sender_key), never the
    # address itself; empty for staff-recorded tickets.
    sender_key = models.CharField(max_length=64, blank=True, db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=TicketState.choices, default=TicketState.OPEN
    )
    escalated_on = models.DateField(_("escalated to the county"), null=True, blank=True)
    answer = models.TextField(_("answer given"), blank=True)
    satisfaction = models.CharField(
        _("caller's satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the ticket led to.
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_tickets",
        verbose_name=_("case opened"),
    )
    warning = models.ForeignKey(
        EarlyWarning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_tickets",
        verbose_name=_("warning raised"),
    )
    referred_to_supervision_on = models.DateField(
        _("referred to supervision"), null=True, blank=True
    )
    supervision_note = models.TextField(_("why it was referred to supervision"), blank=True)
    # What supervision made of the referral: the finding it raised, or why it found nothing.
    finding = models.OneToOneField(
        Finding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_ticket",
        verbose_name=_("supervision finding raised"),
    )
    supervision_declined_on = models.DateField(_("declined by supervision"), null=True, blank=True)
    supervision_decline_reason = models.TextField(_("why supervision found nothing"), blank=True)

    class Meta:
        verbose_name = _("hotline ticket")
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "due_on"], name="hotline_ticket_open_due")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.category} {self.received_on}"

    @property
    def answered_on_time(self) -> bool | None:
        if self.closed_on is None:
            return None
        return self.closed_on <= self.due_on


class DutyShift(models.Model):
    """Who answers the hotline on a day (热线值守): one member of the township's or county's
    staff, with the hours, scheduled by a colleague of the same place."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="hotline_shifts", verbose_name=_("place")
    )
    day = models.DateField(_("day"))
    staff = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="hotline_shifts", verbose_name=_("on duty")
    )
    hours = models.CharField(_("hours"), max_length=40)
    scheduled_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("hotline duty shift")
        ordering = ["day", "region_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "day", "staff"], name="hotline_shift_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day} {self.staff_id}"
