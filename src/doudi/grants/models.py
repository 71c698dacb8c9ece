"""A one-off grant: a rule choosing a cohort (programmes in force on a day, in some places) and
an amount per person or per household. Approving it freezes the cohort into shares, one per
household, which the payroll pays to the household's card holder."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.regions.models import Region
from doudi.registry.models import Household, Member

STAFF = settings.AUTH_USER_MODEL


class Per(models.TextChoices):
    PERSON = "person", _("Per person")
    HOUSEHOLD = "household", _("Per household")
    # The shares were listed by the programme that defined the grant (a disaster's verified
    # impact reports, a winter–spring needs assessment) and frozen with it: the grant's amount
    # is then the listed total.
    LISTED = "listed", _("As listed")


# What a grant's own rule may choose; a listed grant is defined only by the programme it serves.
BY_RULE = (Per.PERSON, Per.HOUSEHOLD)


class GrantState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Grant(models.Model):
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="grants", verbose_name=_("issued by")
    )
    programmes = models.JSONField(_("programmes"))
    places = models.JSONField(_("places"))
    in_force_on = models.DateField(_("receiving on"))
    per = models.CharField(_("amount per"), max_length=10, choices=Per.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=GrantState.choices, default=GrantState.DRAFT
    )
    persons = models.PositiveIntegerField(_("persons"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    total_fen = models.BigIntegerField(_("total (fen)"), default=0)
    created_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("one-off grant")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="grant_amount_positive")
        ]

    def __str__(self) -> str:
        return self.name


class GrantShare(models.Model):
    """One household's part of an approved grant."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="shares")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    persons = models.PositiveSmallIntegerField(_("persons"))
    amount_fen = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        ordering = ["grant_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "household"], name="one_share_per_household")
        ]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.household_id} {self.amount_fen}"
