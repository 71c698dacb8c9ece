"""Dated values a bureau sets for its own place (地方标准), on top of the shipped ones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.regions.models import Region


class ValueStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed (what-if only)")
    ADOPTED = "adopted", _("Adopted (in force from its date)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RegionalValue(models.Model):
    """A new dated value of a region-varying parameter for one province, city or county.

    Proposed values only feed what-if reports (提标测算); adopted ones are merged into the rules
    from their start date; a withdrawn proposal is kept for the record.
    """

    parameter = models.CharField(_("parameter"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("place"))
    start = models.DateField(_("in force from"))
    value = models.BigIntegerField(_("value"))
    document_number = models.CharField(_("policy document number"), max_length=100)
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        ordering = ["parameter", "region_id", "start"]
        verbose_name = _("regional value")
        verbose_name_plural = _("regional values")
        constraints = [
            models.UniqueConstraint(
                fields=["parameter", "region", "start"],
                condition=models.Q(status="adopted"),
                name="one_adopted_value_per_parameter_place_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parameter}@{self.region_id} from {self.start}: {self.value}"


class EvaluationRun(models.Model):
    """One whole-population evaluation for a month (批量测算), written all at once or not at all."""

    month = models.DateField(_("month"))
    place_code = models.CharField(_("place"), max_length=12, db_index=True)
    started_by = models.CharField(_("started by"), max_length=150)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    households = models.PositiveIntegerField(_("households"))
    persons = models.PositiveIntegerField(_("persons"))
    results = models.PositiveIntegerField(_("results"))
    # Programmes without a rule in force that month: {programme: {parameter, description,
    # since}}. They stored no result; the others answered.
    missing = models.JSONField(_("programmes without a rule in force"), default=dict)
    # Households whose members that month had no recorded head, or several (data from before
    # the registry kept one): evaluated with the eldest as head (policy/tables.engine_heads).
    heads_assumed = models.PositiveIntegerField(_("households with an assumed head"), default=0)

    class Meta:
        ordering = ["-finished_at"]
        verbose_name = _("evaluation run")

    def __str__(self) -> str:
        return f"{self.place_code} {self.month:%Y-%m}"


class EvaluationResult(models.Model):
    """A programme a household (or one of its members) qualifies for, with the monthly amount.
    Only eligible results are kept: the rest of a million households is implied."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="+")
    household_id = models.BigIntegerField(_("household"), db_index=True)
    member_id = models.BigIntegerField(_("member"), null=True)
    programme = models.CharField(_("programme"), max_length=40)
    amount_fen = models.BigIntegerField(_("monthly amount (fen)"))

    class Meta:
        indexes = [models.Index(fields=["run", "programme"])]
        verbose_name = _("evaluation result")

    def __str__(self) -> str:
        return f"{self.programme} {self.household_id}: {self.amount_fen}"


class WhatIfRun(models.Model):
    """One what-if of a proposal for a month (提标测算), run in the background: its job, and
    once it is done the result the proposal's page shows — kept, so a reload shows it again
    instead of computing it anew."""

    value = models.ForeignKey(
        RegionalValue, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposal")
    )
    month = models.DateField(_("month"))
    job = models.ForeignKey("jobs.Job", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True)
    households = models.PositiveIntegerField(_("households evaluated"), null=True)
    # {"in", "out", "up", "down"}: how many (household, programme) change each way.
    counts = models.JSONField(_("counts"), default=dict)
    # [[programme, county code, monthly before, monthly after], ...] in fen.
    totals = models.JSONField(_("totals"), default=list)
    # The first changes (WHAT_IF_CHANGES_KEPT), each {household, region, programme, before,
    # after}: the page shows no more; ``changed`` counts them all.
    changes = models.JSONField(_("changes"), default=list)
    changed = models.PositiveIntegerField(_("changes"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("what-if run")

    def __str__(self) -> str:
        return f"what-if {self.value_id} {self.month:%Y-%m} #{self.pk}"


class PlaceEvaluation(models.Model):
    """A whole-place evaluation (批量测算) started from a page, run in the background; ``run``
    is the evaluation run it wrote once it is done."""

    place = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    month = models.DateField(_("month"))
    job = models.ForeignKey("jobs.Job", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    run = models.ForeignKey(EvaluationRun, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("whole-place evaluation")

    def __str__(self) -> str:
        return f"evaluation {self.place_id} {self.month:%Y-%m} #{self.pk}"
