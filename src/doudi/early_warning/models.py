"""A warning: a household of the monitored population that a signal says may need help now."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.regions.models import Region
from doudi.registry.models import Household
from doudi.sources.models import Delivery


class SignalKind(models.TextChoices):
    """What raised the warning; each kind's threshold, severity and deadline are the dated
    regional parameters ``warning.<kind>.*`` (a visit's severity is the worker's)."""

    DEATH = "death", _("A member died")
    UNEMPLOYMENT = "unemployment", _("A member registered as unemployed")
    SEVERE_DISABILITY = "severe_disability", _("A member newly certified severely disabled")
    MEDICAL_COSTS = "medical_costs", _("Medical costs beyond a share of the income")
    DISASTER = "disaster", _("Hit by a disaster (verified impact report)")
    MAIN_EARNER_ILLNESS = "main_earner_illness", _("The main earner seriously ill")
    INCOME_FALL = "income_fall", _("A sharp fall in income")
    STUDENT_HARDSHIP = "student_hardship", _("A student certified in hardship")
    VISIT = "visit", _("Found on a visit")


class WarningState(models.TextChoices):
    OPEN = "open", _("Open, to be handled")
    WITH_COUNTY = "with_county", _("With the county for a decision (一事一议)")
    CLOSED = "closed", _("Handled")


class HandlingRoute(models.TextChoices):
    """The four ways a warning is handled (四种处置方式); each closes it once."""

    APPLY_POLICY = "apply_policy", _("Apply the policy: a case opened")
    REFER = "refer", _("Referred to the department")
    COUNTY = "county", _("County coordination, case by case (一事一议)")
    VERIFY = "verify", _("Verified: no help needed, or no longer eligible")


OPEN_STATES = (WarningState.OPEN, WarningState.WITH_COUNTY)


class Severity(models.IntegerChoices):
    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")


class EarlyWarning(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    # The household's village when raised: its township owns the warning.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    kind = models.CharField(_("signal"), max_length=20, choices=SignalKind.choices)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    # What raised it, in the signal's own terms (member, dates, amounts in fen); the page says it.
    facts = models.JSONField(_("facts"), default=dict)
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department delivery"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("to be handled by"))
    last_seen_on = models.DateField(_("signal last seen on"))
    times_seen = models.PositiveIntegerField(_("days the signal was seen"), default=1)
    state = models.CharField(
        _("state"), max_length=12, choices=WarningState.choices, default=WarningState.OPEN
    )
    route = models.CharField(_("route"), max_length=12, choices=HandlingRoute.choices, blank=True)
    note = models.TextField(_("what was done"), blank=True)
    intake = models.ForeignKey(
        "window.Intake",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intake"),
    )  # the case opened or the referral sent, tracked as the window tracks them
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    sent_to_county_on = models.DateField(_("sent to the county"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["due_on", "-severity", "pk"]
        constraints = [
            # The same signal again is merged into the open warning (times_seen), never doubled.
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=Q(state__in=["open", "with_county"]),
                name="one_open_warning_per_household_signal",
            )
        ]
        indexes = [models.Index(fields=["region", "state"], name="warnings_by_place")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.raised_on}"
