"""A benefit: one monthly amount paid from a first month to a last, to one card holder.

Benefits are never edited by hand. An approved application creates one; a change of amount ends
the current one and starts the next; a termination ends it (``services.apply_decision``). The
history of a household's benefits is therefore the history of its decisions.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.benefits.queries import in_force
from doudi.cases.models import Decision
from doudi.cases.procedures import CaseProgramme
from doudi.regions.models import Region
from doudi.registry.models import Household, Member


class BenefitQuerySet(models.QuerySet["Benefit"]):
    def in_force(self, month: datetime.date) -> BenefitQuerySet:
        """The benefits paying for ``month`` (``benefits.queries.in_force``)."""
        return self.filter(in_force(month))


class Benefit(models.Model):
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="benefit", verbose_name=_("decision")
    )
    programme = models.CharField(_("programme"), max_length=24, choices=CaseProgramme.choices)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("household")
    )
    # The village of the household when decided: the payroll of its county (or township) pays it.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("place")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benefits",
        verbose_name=_("person concerned"),
    )
    # Whose social-security card receives the money: the person concerned, else the head.
    payee = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="payee_of", verbose_name=_("paid to")
    )
    monthly_amount_fen = models.BigIntegerField(_("monthly amount (fen)"))
    start_month = models.DateField(_("first month"))
    end_month = models.DateField(_("last month"), null=True, blank=True)
    ended_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_benefits",
        verbose_name=_("ended by"),
    )

    objects = BenefitQuerySet.as_manager()

    class Meta:
        verbose_name = _("benefit")
        ordering = ["household_id", "programme", "start_month"]
        indexes = [
            models.Index(fields=["programme", "start_month", "end_month"], name="benefit_in_force")
        ]
        # An end before the start is allowed: a benefit stopped before its first month is
        # never paid, and the record of it stays.
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_amount_fen__gte=0), name="benefit_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.household_id} {self.monthly_amount_fen}"


class StandardChangeState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting approval")
    APPLIED = "applied", _("Approved and applied")


class StandardChange(models.Model):
    """A standard change (提标) proposed from a whole-population evaluation run, with its preview
    (the items: every benefit the run raises, from what to what), approved at most once and
    then applied to exactly that preview (``cases/bulk.py``)."""

    run = models.ForeignKey(
        "policy.EvaluationRun",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("evaluation run"),
    )
    programme = models.CharField(_("programme"), max_length=24, choices=CaseProgramme.choices)
    month = models.DateField(_("from month"))
    place_code = models.CharField(_("place"), max_length=12, db_index=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=StandardChangeState.choices,
        default=StandardChangeState.PROPOSED,
    )
    reason = models.TextField(_("reason"))
    households = models.PositiveIntegerField(_("households"))
    monthly_increase_fen = models.BigIntegerField(_("monthly increase (fen)"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    approval_reason = models.TextField(_("reason for approval"), blank=True)

    class Meta:
        verbose_name = _("standard change")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.place_code} {self.month:%Y-%m} {self.state}"


class StandardChangeItem(models.Model):
    """One benefit a standard change raises: the preview line, and once applied, its case."""

    change = models.ForeignKey(StandardChange, on_delete=models.PROTECT, related_name="items")
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="+")
    # The benefit's village, copied so that a county sees its own part of the preview.
    region_code = models.CharField(_("place"), max_length=12)
    before_fen = models.BigIntegerField(_("monthly amount now (fen)"))
    after_fen = models.BigIntegerField(_("new monthly amount (fen)"))
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["change_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["change", "benefit"], name="one_item_per_benefit"),
        ]
        indexes = [models.Index(fields=["change", "region_code"], name="change_item_place")]

    def __str__(self) -> str:
        return f"{self.change_id} {self.benefit_id} {self.before_fen}→{self.after_fen}"
