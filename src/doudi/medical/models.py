"""Medical assistance (医疗救助) as claims: one claim per settlement of the medical-insurance
bureau, after the insurance chain (basic, critical-illness, supplementary insurance), with the
assistance the engine computed from the ratios and caps in force and the person's earlier
claims of the year; its payment to the hospital (one-stop settlement, 一站式结算, listed in a
``HospitalSettlement``) or to the person through the payroll (a ``grants.GrantShare``); and the
yearly premium-subsidy list (资助参保) for the medical-insurance bureau."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.grants.models import GrantShare
from doudi.regions.models import Region
from doudi.registry.models import Household, Member

STAFF = settings.AUTH_USER_MODEL


class ClaimKind(models.TextChoices):
    """The engine's claim types (``MedicalClaimType``), each with its own ratio and annual cap."""

    INPATIENT = "inpatient", _("Inpatient")
    OUTPATIENT_CHRONIC = "outpatient_chronic", _("Outpatient chronic or serious illness")
    CATASTROPHIC = "catastrophic", _("Major illness")


class Category(models.TextChoices):
    """The engine's ``MedicalCategory``, as the claim took it from the benefits in force."""

    NONE = "none", _("Not a covered category")
    EXTREME_HARDSHIP = "extreme_hardship", _("Extreme-hardship person (特困)")
    MINIMUM_LIVING = "minimum_living", _("Minimum living guarantee (低保)")
    POVERTY_REGISTERED = "poverty_registered", _("Registered poor (建档立卡)")
    EDGE = "edge", _("Family on the edge of 低保")
    RIGID_SPENDING = "rigid_spending", _("Family in rigid-spending hardship")


class PaidTo(models.TextChoices):
    HOSPITAL = "hospital", _("The hospital (one-stop settlement)")
    PERSON = "person", _("The person, through the payroll")


class ClaimSource(models.TextChoices):
    HAND = "hand", _("Entered by hand")
    IMPORT = "import", _("Settlement file of the medical-insurance bureau")


class ClaimState(models.TextChoices):
    RECORDED = "recorded", _("Recorded, awaiting approval")
    APPROVED = "approved", _("Approved, awaiting payment")
    REJECTED = "rejected", _("Rejected")
    LISTED = "listed", _("Listed for payment")


class HospitalSettlement(models.Model):
    """What the county owes one hospital for the one-stop settlements it advanced."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    hospital = models.CharField(_("hospital"), max_length=100)
    claims = models.PositiveIntegerField(_("claims"))
    total_fen = models.BigIntegerField(_("total (fen)"))
    created_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    created_on = models.DateField(_("listed on"))

    class Meta:
        verbose_name = _("hospital settlement")
        ordering = ["-created_on", "-id"]

    def __str__(self) -> str:
        return self.hospital


class Claim(models.Model):
    settlement_number = models.CharField(_("settlement number"), max_length=40, unique=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    # The person across households (a move, a new household): the annual cap follows the
    # person, not the membership.
    person_hash = models.CharField(max_length=64, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    settled_on = models.DateField(_("settled on"))
    kind = models.CharField(_("kind of claim"), max_length=20, choices=ClaimKind.choices)
    hospital = models.CharField(_("hospital"), max_length=100)
    paid_to = models.CharField(_("paid to"), max_length=10, choices=PaidTo.choices)
    # The insurance chain, in order.
    total_cost_fen = models.BigIntegerField(_("total cost (fen)"))
    basic_fen = models.BigIntegerField(_("basic insurance (fen)"))
    critical_fen = models.BigIntegerField(_("critical-illness insurance (fen)"))
    supplementary_fen = models.BigIntegerField(_("supplementary insurance (fen)"))
    # What the engine answered.
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    residual_fen = models.BigIntegerField(_("left after insurance (fen)"))
    percent = models.PositiveSmallIntegerField(_("ratio (percent)"))
    uncapped_fen = models.BigIntegerField(_("by the ratio (fen)"))
    annual_cap_fen = models.BigIntegerField(_("annual cap (fen)"))
    received_before_fen = models.BigIntegerField(_("received earlier this year (fen)"))
    assistance_fen = models.BigIntegerField(_("medical assistance (fen)"))
    state = models.CharField(
        _("state"), max_length=10, choices=ClaimState.choices, default=ClaimState.RECORDED
    )
    source = models.CharField(_("source"), max_length=8, choices=ClaimSource.choices)
    recorded_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(_("recorded on"))
    decided_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    settlement = models.ForeignKey(
        HospitalSettlement,
        on_delete=models.PROTECT,
        related_name="listed",
        null=True,
        blank=True,
    )
    share = models.ForeignKey(
        GrantShare, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("medical claim")
        ordering = ["-settled_on", "-id"]
        indexes = [models.Index(fields=["person_hash", "year", "kind"], name="claims_of_a_year")]
        constraints = [
            models.CheckConstraint(
                condition=Q(assistance_fen__gte=0)
                & Q(assistance_fen__lte=models.F("residual_fen")),
                name="claim_assistance_within_the_residual",
            )
        ]

    def __str__(self) -> str:
        return self.settlement_number

    @property
    def left_fen(self) -> int:
        """What is left after medical assistance: for temporary assistance, then charity."""
        return self.residual_fen - self.assistance_fen


class PremiumList(models.Model):
    """The premium-subsidy list (资助参保) of a county for a year, as delivered to the
    medical-insurance bureau."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    persons = models.PositiveIntegerField(_("persons"))
    total_fen = models.BigIntegerField(_("total (fen)"))
    created_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("premium-subsidy list")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_premium_list_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"


class PremiumEntry(models.Model):
    premium_list = models.ForeignKey(PremiumList, on_delete=models.PROTECT, related_name="entries")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    person_hash = models.CharField(max_length=64)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount_fen = models.BigIntegerField(_("subsidy (fen)"))

    class Meta:
        ordering = ["region_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["premium_list", "person_hash"], name="each_person_once_a_premium_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.premium_list_id} {self.member_id}"
