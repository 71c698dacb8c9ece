"""A benefit: one monthly amount paid from a first month to a last, to one card holder.

Benefits are never edited by hand. An approved application creates one; a change of amount ends
the current one and starts the next; a termination ends it (``services.apply_decision``). The
history of a household's benefits is therefore the history of its decisions.
"""

from __future__ import annotations

import datetime

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
