"""The registry's tables: the current state, plus one full snapshot per change (history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.identity.models import ProtectedIdNumber
from doudi.regions.models import Region
from doudi.registry.choices import (
    AssetType,
    AttachmentCategory,
    CareSetting,
    DisabilityCategory,
    Education,
    Employment,
    ExclusionReason,
    ExpenseType,
    HukouType,
    IncomeType,
    LeaveReason,
    MaritalStatus,
    OrphanStatus,
    Relation,
    SelfCareItem,
    Sex,
    VehicleType,
)


class Household(models.Model):
    """A legal co-resident family (共同生活家庭), living at one village or community."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="households", verbose_name=_("place")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Established by an investigation: hit by a natural disaster, in its transitional period.
    disaster_affected = models.BooleanField(
        _("affected by a disaster"), default=False, db_default=False
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file_number

    @property
    def file_number(self) -> str:
        """The household's file number (档案号): its place and its number."""
        return f"{self.region_id}-{self.pk:08d}"


class Member(ProtectedIdNumber):
    """A person's membership of one household, with the facts the rules need about them.

    Membership has dates: ``left_on`` ends it (a death ends it on the death date). While
    ``left_on`` is empty the person is an active member, and a database constraint keeps an
    ID number active in at most one household.
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation to head"), max_length=20, choices=Relation.choices)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    hukou_region_code = models.CharField(_("hukou place"), max_length=12)
    hukou_type = models.CharField(_("hukou type"), max_length=5, choices=HukouType.choices)
    residence_region_code = models.CharField(_("residence place"), max_length=12)
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus.choices
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    disability_category = models.CharField(
        _("disability category"), max_length=12, choices=DisabilityCategory.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True
    )
    # The certificate's last valid day, as the disability federation's latest delivery gives it
    # (registry.certificates): kept in step by each delivery, never typed; None while no delivery
    # has named the person (the recorded grade stands).
    disability_certificate_valid_until = models.DateField(
        _("disability certificate valid until"), null=True, blank=True
    )
    serious_illness = models.CharField(_("recognised serious illness"), max_length=100, blank=True)
    self_care_failed = models.JSONField(_("self-care items failed"), default=list, blank=True)
    education = models.CharField(_("schooling"), max_length=12, choices=Education.choices)
    in_school = models.BooleanField(_("in school now"), default=False)
    employment = models.CharField(_("employment"), max_length=16, choices=Employment.choices)
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    joined_on = models.DateField(_("member since"))
    left_on = models.DateField(_("member until"), null=True, blank=True)
    leave_reason = models.CharField(
        _("reason for leaving"), max_length=12, choices=LeaveReason.choices, blank=True
    )
    excluded_reason = models.CharField(
        _("not counted because"), max_length=20, choices=ExclusionReason.choices, blank=True
    )
    social_security_card = models.CharField(
        _("social-security card number"), max_length=30, blank=True
    )
    # Established by an investigation (the defaults until one says otherwise).
    has_capable_supporter = models.BooleanField(
        _("has a legal supporter able to support them"), default=True, db_default=True
    )
    orphan_status = models.CharField(
        _("orphan status"),
        max_length=24,
        choices=OrphanStatus.choices,
        default=OrphanStatus.NONE,
        db_default=OrphanStatus.NONE,
    )
    care_setting = models.CharField(
        _("care setting"),
        max_length=12,
        choices=CareSetting.choices,
        default=CareSetting.HOME,
        db_default=CareSetting.HOME,
    )
    medical_claim = models.JSONField(_("medical claim"), null=True, blank=True, default=None)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household_id", "id"]
        indexes = [
            # Name search is "starts with" inside a household filter: the index alone answers
            # it, without reading member rows (docs/performance.md).
            models.Index(
                fields=["name", "household"],
                name="member_name_household",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            # A payroll looks up each line's payee: the members with a card (about one in
            # three), with all a line reads of them, so that the look-up reads this small index
            # only, not a page of the wide member table per line (docs/performance.md).
            models.Index(
                fields=["id"],
                include=["name", "social_security_card", "death_date", "left_on"],
                condition=~Q(social_security_card=""),
                name="member_payee_card",
            ),
            # The allowances ending by the calendar read the few orphans and de facto
            # unsupported children by birth date, on every visit of the to-do list: this small
            # index, not the whole member table (rechecks/allowances.py, docs/performance.md).
            models.Index(
                fields=["birth_date"],
                condition=Q(orphan_status__in=["orphan", "de_facto_unsupported"]),
                name="member_child_allowance",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(left_on__isnull=True),
                name="one_active_household_per_id_number",
            ),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | Q(disability_grade__range=(1, 4)),
                name="disability_grade_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number_masked})"


SELF_CARE_ITEMS = SelfCareItem.values


class MoneyFact(models.Model):
    """What incomes, rigid spending and assets share: a household, maybe a member, an amount."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="%(class)ss")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="%(class)ss"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk} of household {self.household_id}"


class Income(MoneyFact):
    """One month's income of one type (收入), in fen."""

    month = models.DateField(_("month"))  # always the first day of the month
    income_type = models.CharField(_("income type"), max_length=24, choices=IncomeType.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        verbose_name = _("income")
        ordering = ["household_id", "month", "id"]
        indexes = [models.Index(fields=["household", "month"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="income_not_negative")
        ]


class Expense(MoneyFact):
    """One month's rigid spending of one type (刚性支出), in fen."""

    month = models.DateField(_("month"))
    expense_type = models.CharField(_("spending type"), max_length=20, choices=ExpenseType.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        verbose_name = _("rigid spending")
        ordering = ["household_id", "month", "id"]
        indexes = [models.Index(fields=["household", "month"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="expense_not_negative")
        ]


class Asset(MoneyFact):
    """One asset (财产) held now, with what the asset rules need to know of it."""

    asset_type = models.CharField(_("asset type"), max_length=16, choices=AssetType.choices)
    value_fen = models.BigIntegerField(_("value (fen)"))
    vehicle_type = models.CharField(
        _("vehicle type"), max_length=12, choices=VehicleType.choices, blank=True
    )
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    registered_capital_fen = models.BigIntegerField(
        _("registered capital (fen)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("asset")
        ordering = ["household_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(value_fen__gte=0), name="asset_not_negative")
        ]


class HouseholdVersion(models.Model):
    """The whole household as it stood after one change (the stored form, see form.py).

    The household "as of" a moment is the last version recorded at or before it.
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    form = models.JSONField()

    class Meta:
        ordering = ["household_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "version"], name="one_row_per_household_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} v{self.version}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never carries the uploaded name (which may hold a person's name).
    return f"attachments/{instance.household.region_id[:6]}/{instance.sha256}"


class Attachment(models.Model):
    """A scanned document in the household's file (一户一档)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="attachments")
    category = models.CharField(
        _("kind of document"), max_length=16, choices=AttachmentCategory.choices
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("added by")
    )
    uploaded_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        ordering = ["household_id", "-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
