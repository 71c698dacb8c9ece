"""One row per household and category while the household is monitored: when it entered, why,
and — once it has — when it left and why. Rows are never deleted: the population of any past
day is the rows open on that day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from doudi.policy.models import EvaluationRun
from doudi.regions.models import Region
from doudi.registry.models import Household
from doudi.sources.models import Delivery


class MonitoredCategory(models.TextChoices):
    MINIMUM_LIVING = "minimum_living", _("Minimum living guarantee household (低保)")
    EXTREME_HARDSHIP = "extreme_hardship", _("Extreme-hardship support (特困)")
    EDGE = "edge", _("Household on the edge of the minimum living guarantee (低保边缘)")
    RIGID_SPENDING = "rigid_spending", _("Household with rigid spending hardship (刚性支出困难)")
    RETURN_RISK = "return_risk", _("At risk of returning to poverty (防止返贫监测)")


class EntrySource(models.TextChoices):
    BENEFIT = "benefit", _("A benefit in force")
    EVALUATION = "evaluation", _("Found by a whole-place evaluation")
    DEPARTMENT = "department", _("On the rural revitalisation bureau's monitoring list")
    REPORTED = "reported", _("Reported by staff")


class ExitReason(models.TextChoices):
    BENEFIT_ENDED = "benefit_ended", _("The benefit ended")
    NO_LONGER_FOUND = "no_longer_found", _("A later whole-place evaluation no longer finds it")
    HOUSEHOLD_EMPTY = "household_empty", _("No member of the household is left")
    RISK_REMOVED = "risk_removed", _("The bureau's latest list no longer has it at risk")
    REMOVED = "removed", _("Removed by staff")


# The categories a refresh derives, and from what: the rest are reported by staff.
FROM_BENEFITS = {
    "minimum_living": MonitoredCategory.MINIMUM_LIVING,
    "extreme_hardship": MonitoredCategory.EXTREME_HARDSHIP,
}
FROM_EVALUATION = {
    "minimum_living_edge": MonitoredCategory.EDGE,
    "rigid_spending_hardship": MonitoredCategory.RIGID_SPENDING,
}


class MonitoredEntry(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    # The household's village when it entered: jurisdiction reads it without a join.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    category = models.CharField(_("category"), max_length=20, choices=MonitoredCategory.choices)
    source = models.CharField(_("source"), max_length=12, choices=EntrySource.choices)
    entered_on = models.DateField(_("entered on"))
    # Staff's words for a reported entry; a derived one is explained by its source and run.
    entry_reason = models.CharField(_("reason for entry"), max_length=300, blank=True)
    run = models.ForeignKey(
        EvaluationRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluation"),
    )
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department delivery"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    exit_reason = models.CharField(
        _("reason for exit"), max_length=20, choices=ExitReason.choices, blank=True
    )
    exit_note = models.CharField(_("note on the exit"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("monitored household")
        verbose_name_plural = _("monitored households")
        ordering = ["region_id", "household_id", "category"]
        constraints = [
            # A household is in a category once at a time; a refresh run twice adds nothing.
            models.UniqueConstraint(
                fields=["household", "category"],
                condition=Q(left_on__isnull=True),
                name="one_open_entry_per_household_category",
            )
        ]
        indexes = [models.Index(fields=["region", "category"], name="monitored_by_place")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.category} {self.entered_on}"

    @property
    def why(self) -> str:
        """The reason for entry in words: staff's own, or where the entry comes from."""
        if self.source == EntrySource.REPORTED:
            return self.entry_reason
        if self.source == EntrySource.EVALUATION and self.run_id is not None:
            return _("Found by the whole-place evaluation of %(month)s") % {
                "month": date_format(self.run.month, "YEAR_MONTH_FORMAT")
            }
        if self.source == EntrySource.DEPARTMENT and self.delivery_id is not None:
            return _("On the rural revitalisation bureau's list of %(day)s") % {
                "day": date_format(self.delivery.delivered_on, "DATE_FORMAT")
            }
        return str(self.get_source_display())
