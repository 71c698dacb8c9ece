"""The check report (核对报告) of a case's data check, and the household's objection to it.

A report is computed once, when the check is requested, and never changed: it is the evidence
the county's conclusion and the decision rest on. A re-check after an objection is a new data
check with a new report; the old one stays as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.cases.models import DataCheck
from doudi.sources.contracts import SOURCES
from doudi.sources.models import Delivery


class CheckReport(models.Model):
    """What the departments' latest snapshots hold about the household's counted members,
    beside what the household declared, with the rules' findings.

    ``members``: one entry per member on the day (``member_id``, ``counted``, ``declared``,
    ``found``: source key → the snapshot's rows about them, each with the finding kinds that
    mark it); ``household``: what was declared for the household as a whole; ``findings``: the
    rules' findings (checks.rules.FINDINGS, with the ``source`` each came from). Amounts in fen;
    no ID number and no person hash is kept.
    """

    data_check = models.OneToOneField(
        DataCheck, on_delete=models.PROTECT, related_name="report", verbose_name=_("data check")
    )
    as_of = models.DateField(_("checked as of"))
    members = models.JSONField(_("members"), default=list)
    household = models.JSONField(_("declared for the household"), default=dict)
    findings = models.JSONField(_("discrepancies"), default=list)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check report")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"report {self.pk} of check {self.data_check_id}"

    @property
    def consistent(self) -> bool:
        return not self.findings


class ReportSource(models.Model):
    """One source of the report: the delivery read, or none (not delivered online: checked
    by hand, as before the platform)."""

    report = models.ForeignKey(CheckReport, on_delete=models.PROTECT, related_name="sources")
    source = models.CharField(_("source"), max_length=40, choices=[(key, key) for key in SOURCES])
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivery"),
    )

    class Meta:
        verbose_name = _("source of a check report")
        ordering = ["report_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "source"], name="report_source_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.source} {self.delivery_id or 'by hand'}"

    @property
    def by_hand(self) -> bool:
        return self.delivery_id is None

    @property
    def department(self) -> str:
        return SOURCES[self.source].department


class CheckObjection(models.Model):
    """The household's objection to a report, with its evidence; it opened ``recheck``."""

    report = models.ForeignKey(
        CheckReport, on_delete=models.PROTECT, related_name="objections", verbose_name=_("report")
    )
    received_on = models.DateField(_("received"))
    content = models.TextField(_("objection"))
    evidence = models.TextField(_("evidence"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recheck = models.OneToOneField(
        DataCheck,
        on_delete=models.PROTECT,
        related_name="objection",
        verbose_name=_("re-check"),
    )

    class Meta:
        verbose_name = _("objection to a check report")
        ordering = ["report_id", "id"]

    def __str__(self) -> str:
        return f"objection to report {self.report_id}"
