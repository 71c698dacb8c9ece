from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.regions.codes import CODE_LENGTH, Level, prefix_of


class Classification(models.TextChoices):
    """Urban or rural (城镇 / 农村): decides which standard (urban or rural 低保, 特困) applies."""

    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class Region(models.Model):
    """One administrative division (行政区划), from province down to village or community."""

    code = models.CharField(_("division code"), max_length=CODE_LENGTH, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    classification = models.CharField(
        _("urban or rural"), max_length=5, choices=Classification.choices, blank=True
    )
    # 审核确认权下放: the county has delegated confirming 低保, 特困 and temporary assistance to
    # this township. Only townships carry it.
    confirms_cases = models.BooleanField(_("confirms cases itself"), default=False)
    # On a county: its payrolls are made per township rather than for the whole county.
    payroll_by_township = models.BooleanField(_("payrolls per township"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def prefix(self) -> str:
        return prefix_of(self.code)
