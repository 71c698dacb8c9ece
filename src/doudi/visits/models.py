"""One home visit and what the worker found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.early_warning.models import EarlyWarning
from doudi.regions.models import Region
from doudi.registry.models import Household


class Finding(models.TextChoices):
    FINE = "fine", _("No concern")
    CONCERN = "concern", _("A concern")


class IncomeChange(models.TextChoices):
    NONE = "none", _("No change")
    FELL = "fell", _("Fell")
    ROSE = "rose", _("Rose")


class HomeVisit(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("visited by"),
    )
    visited_on = models.DateField(_("visited on"))
    living_conditions = models.CharField(
        _("living conditions"), max_length=8, choices=Finding.choices
    )
    health = models.CharField(_("health"), max_length=8, choices=Finding.choices)
    income_change = models.CharField(
        _("income since the last visit"), max_length=8, choices=IncomeChange.choices
    )
    needs = models.TextField(_("needs"), blank=True)
    note = models.TextField(_("what the visit found"), blank=True)
    follow_up_on = models.DateField(_("visit again by"), null=True, blank=True)
    warning = models.ForeignKey(
        EarlyWarning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("warning raised"),
    )

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["region", "follow_up_on"], name="visits_due_by_place")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on}"

    @property
    def concerns(self) -> bool:
        return (
            Finding.CONCERN in (self.living_conditions, self.health)
            or self.income_change == IncomeChange.FELL
            or bool(self.needs.strip())
        )
