"""Precomputed figures of the payments (统计): what the dashboards and the monthly report read,
so that no page scans the payroll lines (docs/statistics.md).

``PayrollFigure`` holds one payroll's lines summed by the month they are for, the programme and
the line's own place (a village or community): written by one statement over that payroll's
lines each time the payroll is generated or reconciled (``refresh.py``). ``Figure`` holds the
same measures rolled up from those rows to every level — village, township, county, city and
province — by the prefixes of the division code. Every measure is additive, so a place's figure
is exactly the sum of its children's.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.payroll.models import PayrollProgramme
from doudi.regions.codes import Level


class Measures(models.Model):
    """The measures of a month, programme and place. ``recipients`` counts the payments made
    to a person (one a month for the monthly programmes, whose payroll pays each person once;
    per payment, 人次, for one-off grants and temporary assistance); a difference paid for a
    month paid before a raise (补发差额) adds money, not a recipient."""

    month = models.DateField(_("month"))
    programme = models.CharField(_("programme"), max_length=24, choices=PayrollProgramme.choices)
    region_code = models.CharField(_("place"), max_length=12)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    lines = models.PositiveIntegerField(_("payments"), default=0)
    paid_fen = models.BigIntegerField(_("paid (fen)"), default=0)
    failed_fen = models.BigIntegerField(_("failed (fen)"), default=0)
    pending_fen = models.BigIntegerField(_("not yet paid (fen)"), default=0)

    class Meta:
        abstract = True


class PayrollFigure(Measures):
    """One payroll's lines of one month, programme and village, summed."""

    payroll = models.ForeignKey(
        "payroll.Payroll", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )

    class Meta:
        verbose_name = _("payroll figure")
        constraints = [
            models.UniqueConstraint(
                fields=["payroll", "month", "programme", "region_code"],
                name="one_figure_per_payroll_month_programme_place",
            )
        ]
        indexes = [models.Index(fields=["month", "region_code"], name="payroll_figures_by_month")]

    def __str__(self) -> str:
        return f"{self.payroll_id} {self.region_code} {self.month:%Y-%m} {self.programme}"


class Figure(Measures):
    """A place's measures of a month and programme, at its level, summed over every payroll."""

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    # The place above (empty for a province): a dashboard reads a place's children by it.
    parent_code = models.CharField(_("place above"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("figure")
        ordering = ["region_code", "month", "programme"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "level", "month", "programme"],
                name="one_figure_per_place_level_month_programme",
            )
        ]
        indexes = [
            models.Index(fields=["parent_code", "month"], name="figures_by_parent_month"),
            models.Index(fields=["month", "level"], name="figures_by_month_level"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.month:%Y-%m} {self.programme}"
