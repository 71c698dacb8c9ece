"""A case (申请/案件): one household's application for one programme, or a change or
termination of what it receives, and everything recorded on its way to a decision.

The state moves only through ``services.py``, which writes a ``Transition`` for each step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.cases.procedures import (
    CLOSED_STATES,
    Action,
    CaseKind,
    CaseProgramme,
    Channel,
    ReviewOutcome,
    State,
)
from doudi.regions.models import Region
from doudi.registry.models import Household, Member
from doudi.reserve_fund.models import ReserveMovement

STAFF = settings.AUTH_USER_MODEL


class Case(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="cases", verbose_name=_("household")
    )
    # The village or community of the household when the case began: it decides who handles
    # the case (its township) and who may see it.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="cases", verbose_name=_("place")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("person concerned"),
    )
    programme = models.CharField(_("programme"), max_length=24, choices=CaseProgramme.choices)
    kind = models.CharField(
        _("kind"), max_length=12, choices=CaseKind.choices, default=CaseKind.APPLICATION
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    proxy_name = models.CharField(_("applied for by"), max_length=60, blank=True)
    submitted_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    submitted_on = models.DateField(_("submitted"))
    need = models.TextField(_("what the household asks for"), blank=True)
    requested_amount_fen = models.BigIntegerField(
        _("amount asked for (fen)"), null=True, blank=True
    )
    # 居住地申办: applying where the household lives; the hukou place helps verify.
    hukou_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hukou place helping"),
    )
    authorisation_signed_on = models.DateField(
        _("authorisation for checks signed"), null=True, blank=True
    )
    missing_materials = models.JSONField(_("missing materials"), default=list, blank=True)
    missing_listed_on = models.DateField(_("missing materials listed"), null=True, blank=True)
    # 单独登记备案: a close relative of staff or a village cadre applies.
    relative_of_staff = models.CharField(
        _("close relative of staff or cadre"), max_length=200, blank=True
    )
    state = models.CharField(
        _("state"), max_length=24, choices=State.choices, default=State.SUBMITTED
    )
    accepted_on = models.DateField(_("accepted"), null=True, blank=True)
    delegated = models.BooleanField(_("confirmed by the township"), default=False)
    due_on = models.DateField(_("whole procedure due"), null=True, blank=True)
    step_due_on = models.DateField(_("current step due"), null=True, blank=True)
    extension_reason = models.CharField(_("reason for extension"), max_length=300, blank=True)
    notice_starts_on = models.DateField(_("notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice until"), null=True, blank=True)
    spot_check_selected = models.BooleanField(
        _("selected for the county's spot check"), default=False
    )
    # What the investigation established beyond the registry: the optional case facts of the
    # household form (has_capable_supporter, orphan_status, temporary_need …).
    facts = models.JSONField(_("facts established"), default=dict, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    # The limit the case was working to when it closed (the whole procedure's, else its step's):
    # whether it was decided in time, once step_due_on has moved on to telling the household.
    deadline_at_closing = models.DateField(_("deadline when closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "step_due_on"], name="case_state_due")]

    def __str__(self) -> str:
        return f"{self.file_number} {self.programme} {self.state}"

    @property
    def file_number(self) -> str:
        return f"{self.region_id[:9]}-{self.submitted_on:%Y}-{self.pk:06d}"

    @property
    def township_code(self) -> str:
        return f"{self.region_id[:9]}000"

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES


class Transition(models.Model):
    """One step of a case: who did what, when, from which state to which, and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    from_state = models.CharField(max_length=24, choices=State.choices)
    to_state = models.CharField(max_length=24, choices=State.choices)
    actor = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("step")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class HukouCheck(models.Model):
    """居住地申办: the household applies where it lives, and the township of its hukou is asked
    to help verify (协助核实). The case cannot be confirmed before it answers."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="hukou_check")
    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("hukou township")
    )
    requested_on = models.DateField(_("requested"))
    due_on = models.DateField(_("due"))
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("hukou-place check")

    def __str__(self) -> str:
        return f"{self.case_id} {self.township_id}"


class InvestigationKind(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation (家庭经济状况调查)")
    REINVESTIGATION = "reinvestigation", _("Re-investigation after an objection")
    PAPERS = "papers", _("Papers completed after paying first")


class Investigation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="investigations")
    kind = models.CharField(_("kind"), max_length=16, choices=InvestigationKind.choices)
    visited_on = models.DateField(_("visited"))
    home_visit = models.BooleanField(_("home visit (入户)"))
    neighbours_heard = models.BooleanField(_("neighbours heard"), default=False)
    findings = models.TextField(_("findings"))
    investigators = models.ManyToManyField(
        STAFF, related_name="investigations", verbose_name=_("investigators")
    )
    recorded_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("investigation")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.visited_on}"


class CheckResult(models.TextChoices):
    CONSISTENT = "consistent", _("Consistent with what was declared")
    DISCREPANCY = "discrepancy", _("Discrepancies found")


class DataCheck(models.Model):
    """The county's economic-status check (信息核对), only with the signed authorisation."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="data_checks")
    requested_on = models.DateField(_("requested"))
    due_on = models.DateField(_("due"))
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=12, choices=CheckResult.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("data check")

    def __str__(self) -> str:
        return f"{self.case_id} {self.requested_on} {self.result}"


class Opinion(models.Model):
    """The township's opinion (乡镇审核意见): what it proposes and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="opinions")
    recommends_approval = models.BooleanField(_("recommends approval"))
    text = models.TextField(_("opinion"))
    given_on = models.DateField(_("given"))
    given_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("township opinion")

    def __str__(self) -> str:
        return f"{self.case_id} {self.given_on}"


class Resolution(models.TextChoices):
    REINVESTIGATION = "reinvestigation", _("Re-investigated")
    APPRAISAL = "appraisal", _("Democratic appraisal (民主评议)")


class Objection(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField(_("received"))
    content = models.TextField(_("objection"))
    resolution = models.CharField(
        _("resolved by"), max_length=16, choices=Resolution.choices, blank=True
    )
    resolved_on = models.DateField(_("resolved"), null=True, blank=True)
    # A democratic appraisal: who took part and how they judged.
    participants = models.PositiveSmallIntegerField(_("participants"), null=True, blank=True)
    in_favour = models.PositiveSmallIntegerField(_("in favour"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("objection")

    def __str__(self) -> str:
        return f"{self.case_id} {self.received_on}"


class SpotCheck(models.Model):
    """The county's own check of a township's 特困 case before confirming it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="spot_checks")
    checked_on = models.DateField(_("checked"))
    checked_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    agrees = models.BooleanField(_("agrees with the township"))
    findings = models.TextField(_("findings"))

    class Meta:
        verbose_name = _("spot check")

    def __str__(self) -> str:
        return f"{self.case_id} {self.checked_on}"


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Decision(models.Model):
    """The confirmation (审核确认): the outcome, its reasons, and the policy engine's result as
    it stood that day, kept unchanged for payments and audit."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    # A re-check's decision is approved by the county, and says what it does to the benefit.
    review_outcome = models.CharField(
        _("re-check outcome"), max_length=8, choices=ReviewOutcome.choices, blank=True
    )
    decided_on = models.DateField(_("decided"))
    decided_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    reasons = models.TextField(_("reasons"))
    monthly_amount_fen = models.BigIntegerField(_("monthly amount (fen)"), null=True, blank=True)
    total_amount_fen = models.BigIntegerField(_("one-off total (fen)"), null=True, blank=True)
    start_month = models.DateField(_("from month"), null=True, blank=True)
    end_month = models.DateField(_("last month paid"), null=True, blank=True)
    engine_result = models.JSONField(_("policy engine's result"), default=dict)
    notify_due_on = models.DateField(_("household to be told by"))
    notified_on = models.DateField(_("household told"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_amount_fen__isnull=True) | Q(monthly_amount_fen__gte=0),
                name="decision_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.outcome} {self.decided_on}"

    @property
    def ends_benefit(self) -> bool:
        """A termination, or a re-check that stops the benefit."""
        return self.case.kind == CaseKind.TERMINATION or self.review_outcome == ReviewOutcome.STOP


class PaymentStage(models.Model):
    """One staged payment of a temporary-assistance decision (一次审批、分阶段救助)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="stages")
    sequence = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("pay on"))
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    # A stop (Action.STOP_STAGES) cancels the stages no payroll has taken: never paid after it.
    stopped_on = models.DateField(_("stopped"), null=True, blank=True)

    class Meta:
        ordering = ["decision_id", "sequence"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="stage_amount_positive"),
            models.UniqueConstraint(fields=["decision", "sequence"], name="one_stage_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} #{self.sequence} {self.amount_fen}"


class EmergencyPayment(models.Model):
    """The small amount paid first (小金额先行救助) from the township's reserve fund."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="emergency_payment")
    movement = models.OneToOneField(ReserveMovement, on_delete=models.PROTECT, related_name="+")
    paid_on = models.DateField(_("paid"))
    papers_due_on = models.DateField(_("papers due"))
    papers_done_on = models.DateField(_("papers completed"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.case_id} {self.paid_on}"


class ChangePreview(models.Model):
    """A standard change's preview (提标预览) asked for from its page and computed in the
    background: a whole-place evaluation for ``month`` (or the earlier ``run`` given), then the
    change proposed from it (cases.bulk). ``change`` is the kept result once it is done."""

    place = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    month = models.DateField(_("from month"), null=True)
    run = models.ForeignKey(
        "policy.EvaluationRun", on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    job = models.ForeignKey("jobs.Job", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    change = models.ForeignKey(
        "benefits.StandardChange", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("standard change preview")

    def __str__(self) -> str:
        return f"preview {self.place_id} #{self.pk}"
