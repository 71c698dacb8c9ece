"""The one window (一门受理、协同办理): an intake records every need a household brings to the
township window, and each need is routed — to a programme application (a case), to another
department (转办, tracked until it answers), or handled on the spot (即办).

Rows change only through ``services.py``, one transaction and one audit event per change.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.cases.models import Case
from doudi.cases.procedures import Channel
from doudi.regions.models import Region
from doudi.registry.models import Household

STAFF = settings.AUTH_USER_MODEL

# Working days a department has to answer a referral. No national rule fixes it: a local
# example, like the unfixed limits in doudi.cases.procedures.
REFERRAL_LIMIT = 10


class Intake(models.Model):
    """One visit or contact at the township window (受理登记): who came, how, when, and who
    recorded it. Its needs hang below it."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="intakes", verbose_name=_("household")
    )
    # The household's village or community on the day: it decides who may see the intake.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    proxy_name = models.CharField(_("came on behalf of the household"), max_length=60, blank=True)
    received_on = models.DateField(_("received"))
    received_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["received_on"], name="intake_received_on")]

    def __str__(self) -> str:
        return f"{self.region_id}-{self.received_on:%Y%m%d}-{self.pk}"


class Route(models.TextChoices):
    """Where a need goes (分类转办)."""

    APPLICATION = "application", _("Programme application (申请救助)")
    REFERRAL = "referral", _("Referral to a department (转办)")
    ON_THE_SPOT = "on_the_spot", _("Handled on the spot (即办)")


# Needs with a promised deadline (承诺件); the others are handled at once (即办件).
COMMITTED_ROUTES = (Route.APPLICATION, Route.REFERRAL)


class Department(models.TextChoices):
    """The departments the window refers needs to (协同办理)."""

    EDUCATION = "education", _("Education (教育)")
    HOUSING = "housing", _("Housing and construction (住建)")
    EMPLOYMENT = "employment", _("Human resources and employment (人社/就业)")
    MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance (医保)")
    # 慈善救助: the last link of the chain, when temporary assistance has ended and need remains
    # (cases.services.refer_to_charity).
    CHARITY = "charity", _("Charity assistance (慈善救助)")
    OTHER = "other", _("Other department")


class Need(models.Model):
    """One need (诉求) recorded on an intake, and what became of it."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="needs")
    position = models.PositiveSmallIntegerField(_("number on the intake"))
    description = models.TextField(_("need"))
    route = models.CharField(_("route"), max_length=12, choices=Route.choices)
    # A programme application: the case it opened.
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="window_needs",
        verbose_name=_("case"),
    )
    # A referral (转办): to whom, when, by when, and the answer.
    department = models.CharField(
        _("department"), max_length=20, choices=Department.choices, blank=True
    )
    department_name = models.CharField(_("name of the department"), max_length=100, blank=True)
    sent_on = models.DateField(_("referred"), null=True, blank=True)
    due_on = models.DateField(_("answer due"), null=True, blank=True)
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        STAFF,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer recorded by"),
    )
    # The department's answer, or what the window did for a need handled on the spot.
    answer = models.TextField(_("answer or result"), blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["intake_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "position"], name="need_position_unique"),
            models.CheckConstraint(
                condition=~Q(route="application") | Q(case__isnull=False),
                name="need_application_has_case",
            ),
            models.CheckConstraint(
                condition=~Q(route="referral")
                | (~Q(department="") & Q(sent_on__isnull=False) & Q(due_on__isnull=False)),
                name="need_referral_has_department_and_dates",
            ),
        ]
        indexes = [models.Index(fields=["route", "answered_on"], name="need_route_answered")]

    def __str__(self) -> str:
        return f"{self.intake_id}#{self.position} {self.route}"

    @property
    def completed_on(self) -> datetime.date | None:
        """When the need was met: at once on the spot, on the answer for a referral, when its
        case closed for an application (queries.window_statistics counts the same way)."""
        if self.route == Route.ON_THE_SPOT:
            return self.intake.received_on
        if self.route == Route.REFERRAL:
            return self.answered_on
        return self.case.closed_on if self.case else None

    def is_overdue(self, today: datetime.date) -> bool:
        return self.route == Route.REFERRAL and not self.answered_on and self.due_on < today
