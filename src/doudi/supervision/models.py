"""Supervision (监督检查, DOMAIN.md §8): inspection plans — every six months and unannounced —
over a county or township; spot-check samples of its cases and recipient households drawn
reproducibly from a stated seed; a checklist per sampled item; findings with rectification
tasks owned by a township, due in working days; and the register of staff's and village
cadres' close relatives receiving assistance (近亲属备案).

Design: docs/supervision.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.cases.models import Case
from doudi.regions.models import Region
from doudi.registry.models import Household

STAFF = settings.AUTH_USER_MODEL


class PlanKind(models.TextChoices):
    HALF_YEARLY = "half_yearly", _("Half-yearly inspection")
    UNANNOUNCED = "unannounced", _("Unannounced inspection")


class Plan(models.Model):
    kind = models.CharField(_("kind of inspection"), max_length=12, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=100)
    # The county or township inspected.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place inspected")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    created_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    created_on = models.DateField(_("made on"))

    class Meta:
        verbose_name = _("inspection plan")
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return self.title


class SampleKind(models.TextChoices):
    CASES = "cases", _("Cases decided in the period")
    HOUSEHOLDS = "households", _("Recipient households")


class Sample(models.Model):
    """One draw: every township of the plan's place contributes ``share_percent`` of its
    population (rounded up), at least ``minimum`` (all it has when fewer)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="samples")
    kind = models.CharField(_("sampled"), max_length=12, choices=SampleKind.choices)
    seed = models.BigIntegerField(_("seed"))
    share_percent = models.PositiveSmallIntegerField(_("share (%)"))
    minimum = models.PositiveIntegerField(_("at least, per township"))
    population = models.PositiveIntegerField(_("drawn from"))
    drawn_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    drawn_on = models.DateField(_("drawn on"))

    class Meta:
        verbose_name = _("spot-check sample")
        ordering = ["plan_id", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.seed}"


class Answer(models.TextChoices):
    UNCHECKED = "", _("Not checked")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


# The answers a check gives (the API's ChecklistAnswerEnum).
CHECK_ANSWERS = [Answer.YES.value, Answer.NO.value, Answer.NOT_APPLICABLE.value]

# The checklist of each sampled item: the field names of the check step, in order.
CHECKLIST = (
    ("documents_complete", _("documents complete")),
    ("income_verified", _("income and assets verified")),
    ("household_visited", _("household visited")),
    ("amount_correct", _("amount correct")),
    ("notice_posted", _("public notice posted")),
    ("procedure_followed", _("procedure and time limits followed")),
)


class SampleItem(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="items")
    rank = models.PositiveIntegerField(_("order drawn"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    # The household's village (or the case's place) when drawn.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("checklist"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("sampled item")
        ordering = ["sample_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "rank"], name="supervision_item_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id}/{self.rank}"


class Origin(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    SPOT_CHECK = "spot_check", _("Spot check of a sampled item")
    HOTLINE = "hotline", _("Hotline or complaint")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")


class Finding(models.Model):
    # The township that owns the finding and its rectification.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    # What the origin names: a ticket's number, a letter's reference.
    origin_reference = models.CharField(_("origin reference"), max_length=60, blank=True)
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    item = models.ForeignKey(
        SampleItem, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    description = models.TextField(_("what was found"))
    raised_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField(_("found on"))

    class Meta:
        verbose_name = _("supervision finding")
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.pk}"


class Rectification(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="rectifications")
    # The owner: the finding's township.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    task = models.CharField(_("rectification task"), max_length=300)
    set_on = models.DateField(_("set on"))
    working_days = models.PositiveSmallIntegerField(_("working days allowed"))
    due_on = models.DateField(_("rectify by"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("what was done"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("rectification task")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="supervision_rect_open")]

    def __str__(self) -> str:
        return self.task


class Position(models.TextChoices):
    STAFF = "staff", _("Civil-affairs staff")
    VILLAGE_CADRE = "village_cadre", _("Village or community cadre")


class RelativeDeclaration(models.Model):
    """One entry of the relatives register: a member of staff or a village cadre, and their
    close relative's household receiving (or applying for) assistance."""

    # The township the entry is kept by (the household's township).
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    relative_name = models.CharField(_("relative's name"), max_length=60)
    relation = models.CharField(_("relation"), max_length=30)
    official_name = models.CharField(_("staff member or cadre"), max_length=60)
    position = models.CharField(_("position"), max_length=14, choices=Position.choices)
    post = models.CharField(_("post held"), max_length=60)
    declared_on = models.DateField(_("declared on"))
    declared_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("entry ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("close relative declaration")
        ordering = ["region_id", "-declared_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.pk}"
