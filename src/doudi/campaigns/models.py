"""Campaigns (专项治理): one run of every finding rule over a place's recipients, the findings it
routes to the townships as tasks with a deadline, and the payments a death found holds.

Design: docs/checks.md, "Campaigns".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.regions.models import Region
from doudi.registry.models import Household, Member


class CampaignState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed, no findings kept")


class Stage(models.TextChoices):
    """What a running campaign is doing, for its page."""

    WAITING = "", _("Waiting to start")
    READING = "reading", _("Reading the recipients and the departments' data")
    RULES = "rules", _("Running the finding rules")
    WRITING = "writing", _("Routing the findings to the townships")
    FINISHED = "finished", _("Finished")


class Campaign(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    as_of = models.DateField(_("as of"))
    state = models.CharField(
        _("state"), max_length=10, choices=CampaignState.choices, default=CampaignState.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, blank=True)
    steps_done = models.PositiveIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveIntegerField(_("steps"), default=0)
    # {"found", "new", "merged", "holds", "death_notices"}: what the run wrote.
    counts = models.JSONField(_("counts"), default=dict)
    # Each source read: {source: {"delivery": id, "delivered_on": "YYYY-MM-DD"}}.
    deliveries = models.JSONField(_("deliveries used"), default=dict)
    job = models.ForeignKey("jobs.Job", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True)

    class Meta:
        verbose_name = _("campaign")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.as_of} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (CampaignState.DONE, CampaignState.FAILED)

    @property
    def percent(self) -> int:
        return 100 * self.steps_done // self.steps_total if self.steps_total else 0


class FindingKind(models.TextChoices):
    """The finding rules' kinds (doudi.checks.rules.RULES) and a death notified through the
    exchange interface (doudi.exchange)."""

    DEATH_STILL_PAID = "death_still_paid", _("Died, still paid (死亡保)")
    DEATH_NOTICE = "death_notice", _("Death notified by public security")
    HUKOU_MOVED_OUT = "hukou_moved_out", _("Hukou moved out, still paid")
    VEHICLES_OVER_LIMIT = "vehicles_over_limit", _("Vehicles over the limit")
    HOMES_OVER_LIMIT = "homes_over_limit", _("Homes over the limit")
    BUSINESS_OVER_LIMIT = "business_over_limit", _("Business capital over the limit")
    DEPOSITS_OVER_LIMIT = "deposits_over_limit", _("Deposits over the limit")
    INCOME_OVER_LINE = "income_over_line", _("Income over the line")
    TAXED_INCOME_OVER_LINE = "taxed_income_over_line", _("Income reported to tax over the line")
    STAFF_IN_HOUSEHOLD = "staff_in_household", _("A member of staff in the household (优亲厚友)")
    NOT_COVERED = "not_covered", _("Qualifies, not covered (漏保)")


# A death found stops payment at once (issue 12: 死亡保), pending the decision.
DEATH_KINDS = frozenset({FindingKind.DEATH_STILL_PAID, FindingKind.DEATH_NOTICE})


class FindingState(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    CLEARED = "cleared", _("Cleared with evidence")


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed: stop, change or recover by decision")
    CLEARED = "cleared", _("Cleared: the finding does not hold")


class Finding(models.Model):
    """A task for the township of the household (核查任务), open until closed by it."""

    # None for a death notified through the exchange interface: routed the moment it arrives.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("first found by"),
    )
    # Every campaign that found it: a re-run merges into the open finding instead of a copy.
    seen_in = models.ManyToManyField(Campaign, related_name="findings")
    kind = models.CharField(_("kind"), max_length=24, choices=FindingKind.choices)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, related_name="+")
    # The household's township: whose task it is, and the place the finding is scoped by.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    delivery = models.ForeignKey(
        "sources.Delivery", on_delete=models.PROTECT, null=True, related_name="+"
    )
    death_notice = models.ForeignKey(
        "exchange.DeathNotice", on_delete=models.PROTECT, null=True, related_name="+"
    )
    source_row = models.PositiveIntegerField(_("row of the delivery"), null=True)
    amount_fen = models.BigIntegerField(_("amount (fen)"), null=True)
    item_count = models.PositiveIntegerField(_("items"), null=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    due_on = models.DateField(_("deadline to close"))
    state = models.CharField(
        _("state"), max_length=10, choices=FindingState.choices, default=FindingState.OPEN
    )
    note = models.TextField(_("outcome note"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["region", "state", "due_on"]),
            models.Index(fields=["household", "kind", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.household_id} #{self.pk}"


class PaymentHold(models.Model):
    """A benefit no payroll pays while the hold stands (payroll.generation): set by a death
    found, released when the finding is cleared; a confirmed death's case ends the benefit."""

    benefit = models.ForeignKey("benefits.Benefit", on_delete=models.PROTECT, related_name="+")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="holds")
    from_month = models.DateField(_("from month"))
    released_on = models.DateField(_("released on"), null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment hold")
        constraints = [
            models.UniqueConstraint(fields=["benefit", "finding"], name="hold_once_per_finding")
        ]

    def __str__(self) -> str:
        return f"{self.benefit_id} held by {self.finding_id}"
