"""A payroll (发放花名册): one programme, one month, one place; its lines, one per card.

The payroll moves generated → submitted (civil affairs) → approved (finance) → sent (the bank
took its file) → reconciled (the bank's result file was read). Each step is another role's.
Finance may instead return a submitted payroll (returned, with its reason), which civil affairs
submits again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.benefits.models import Benefit
from doudi.cases.procedures import CaseProgramme
from doudi.dates import month_text
from doudi.regions.models import Region
from doudi.registry.models import Household, Member

STAFF = settings.AUTH_USER_MODEL


class PayrollProgramme(models.TextChoices):
    MINIMUM_LIVING = CaseProgramme.MINIMUM_LIVING.value, CaseProgramme.MINIMUM_LIVING.label
    EXTREME_HARDSHIP = CaseProgramme.EXTREME_HARDSHIP.value, CaseProgramme.EXTREME_HARDSHIP.label
    DE_FACTO_UNSUPPORTED = (
        CaseProgramme.DE_FACTO_UNSUPPORTED.value,
        CaseProgramme.DE_FACTO_UNSUPPORTED.label,
    )
    ONE_OFF_GRANT = "one_off_grant", _("One-off grant (一次性补贴)")
    # The staged payments of temporary-assistance decisions (一次审批、分阶段救助), both kinds.
    TEMPORARY_ASSISTANCE = "temporary_assistance", _("Temporary assistance (临时救助)")


class PayrollState(models.TextChoices):
    GENERATED = "generated", _("Generated")
    SUBMITTED = "submitted", _("Submitted by civil affairs")
    # Finance sent it back with a reason; civil affairs corrects what is needed and submits again.
    RETURNED = "returned", _("Returned to civil affairs by finance")
    APPROVED = "approved", _("Approved by finance")
    SENT = "sent", _("Sent to the bank")
    RECONCILED = "reconciled", _("Reconciled with the bank's result")


class Payroll(models.Model):
    programme = models.CharField(_("programme"), max_length=24, choices=PayrollProgramme.choices)
    month = models.DateField(_("month"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="payrolls", verbose_name=_("place")
    )
    grant = models.ForeignKey(
        "grants.Grant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payrolls",
        verbose_name=_("grant"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=PayrollState.choices, default=PayrollState.GENERATED
    )
    line_count = models.PositiveIntegerField(_("lines"))
    total_fen = models.BigIntegerField(_("total (fen)"))
    generated_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Why finance last returned it, shown to civil affairs until it is submitted again.
    return_reason = models.CharField(_("reason for returning"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reconciled_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_fen = models.BigIntegerField(_("paid (fen)"), default=0)
    failed_fen = models.BigIntegerField(_("failed (fen)"), default=0)

    class Meta:
        verbose_name = _("payroll")
        ordering = ["-month", "region_id", "programme"]

    def __str__(self) -> str:
        return f"{self.programme} {month_text(self.month)} {self.region_id}"

    @property
    def number(self) -> str:
        return f"{self.region_id[:9]}-{self.month:%Y%m}-{self.pk:05d}"


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Monthly payment")
    ARREARS = "arrears", _("Arrears (补发)")
    REISSUE = "reissue", _("Re-issue of a failed payment")
    GRANT = "grant", _("One-off grant")
    STAGE = "stage", _("Temporary assistance, one stage")
    # A month already paid at the old amount, raised afterwards from that month (a standard
    # change dated in a paid month): the difference, once (补发差额).
    TOP_UP = "top_up", _("Difference for a month paid before a raise (补发差额)")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class PayrollLine(models.Model):
    """One payment to one card. ``pay_month`` is the month the money is for: the payroll's own
    month, or an earlier one for arrears and re-issues."""

    # No foreign key in the database checks the ids a line holds: each is read, in the very
    # statement that writes the line, from the row it names (the payroll made in the same
    # transaction; the benefit, grant share, stage or failed line selected), and none of those
    # rows is ever deleted (PROTECT). Checking them again, row by row at commit, cost more than
    # writing the lines (docs/performance.md).
    payroll = models.ForeignKey(
        Payroll, on_delete=models.PROTECT, related_name="lines", db_constraint=False
    )
    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices)
    programme = models.CharField(_("programme"), max_length=24, choices=PayrollProgramme.choices)
    pay_month = models.DateField(_("for month"))
    # No index of its own: the lines of a benefit are read through its payee (the unique guard
    # leads with it), and a million monthly lines would each write an entry read by no query.
    benefit = models.ForeignKey(
        Benefit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payroll_lines",
        db_constraint=False,
        db_index=False,
    )
    # Unique where set (Meta): a unique index of the whole column would hold a null for every
    # monthly line, written and never read.
    grant_share = models.ForeignKey(
        "grants.GrantShare",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payroll_lines",
        db_constraint=False,
        db_index=False,
    )
    # A stage of a temporary-assistance decision; its re-issue names the same stage. Looked up
    # through one_payment_per_stage: an index of its own would hold a null for every other line.
    stage = models.ForeignKey(
        "cases.PaymentStage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payroll_lines",
        db_constraint=False,
        db_index=False,
    )
    # Household, place and payee are copied from the benefit (or grant share), whose own
    # constraints guard them; checking them again for every line of a million-line payroll
    # doubled the time of its commit (docs/performance.md).
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    # Read by prefix (a place and all below it): one pattern index, declared in Meta, serves
    # that and equality alike.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    payee = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="payroll_lines",
        db_constraint=False,
        db_index=False,
    )
    payee_name = models.CharField(_("name"), max_length=50)
    card = models.CharField(_("social-security card"), max_length=30)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    status = models.CharField(
        _("status"), max_length=8, choices=LineStatus.choices, default=LineStatus.PENDING
    )
    bank_reason = models.CharField(_("bank's reason"), max_length=200, blank=True)
    # Unique where set (Meta), as the grant share.
    reissue_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissues",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        verbose_name = _("payroll line")
        ordering = ["payroll_id", "id"]
        indexes = [
            # PostgreSQL's operator class for LIKE 'prefix%' (ignored by SQLite).
            models.Index(
                fields=["region"], name="line_region_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # What a person was paid in top-ups for a month, read by one probe (generation's
            # TOP_UPS); it holds the top-ups only, not the million monthly lines.
            models.Index(
                fields=["payee", "programme", "pay_month"],
                condition=Q(kind=LineKind.TOP_UP) & Q(reissue_of__isnull=True),
                name="top_ups_by_payee",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="line_amount_positive"),
            # Paid at most once per programme and month, whatever is re-run: one first payment
            # per person, programme and month; a failed one is followed by at most one
            # re-issue (``reissue_of`` is unique), made only of a failed line. The status is
            # kept out of every index so that recording the bank's result updates lines in
            # place (HOT), without rewriting the indexes (docs/performance.md).
            # The payee comes first: each "not yet paid" probe then looks up one person,
            # never a whole month of lines (docs/performance.md).
            models.UniqueConstraint(
                fields=["payee", "programme", "pay_month"],
                condition=Q(benefit__isnull=False)
                & Q(reissue_of__isnull=True)
                & ~Q(kind=LineKind.TOP_UP),
                name="one_payment_per_person_programme_month",
            ),
            # A month paid before a raise gets the difference once per benefit; a failed one
            # by at most one re-issue.
            models.UniqueConstraint(
                fields=["benefit", "pay_month"],
                condition=Q(kind=LineKind.TOP_UP) & Q(reissue_of__isnull=True),
                name="one_top_up_per_benefit_month",
            ),
            # A failed line is re-issued at most once; a grant share is paid once.
            models.UniqueConstraint(
                fields=["reissue_of"],
                condition=Q(reissue_of__isnull=False),
                name="one_reissue_per_line",
            ),
            models.UniqueConstraint(
                fields=["grant_share"],
                condition=Q(grant_share__isnull=False),
                name="one_payment_per_grant_share",
            ),
            # Each stage is paid once; a failed one by at most one re-issue, as above.
            models.UniqueConstraint(
                fields=["stage"],
                condition=Q(stage__isnull=False) & Q(reissue_of__isnull=True),
                name="one_payment_per_stage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payroll_id} {self.payee_name} {self.amount_fen}"


class Budget(models.Model):
    """The money set aside for one programme, one year, one county (资金预算)."""

    programme = models.CharField(_("programme"), max_length=24, choices=PayrollProgramme.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("county")
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    set_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("budget")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "region"], name="one_budget_per_programme_year_county"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year} {self.region_id}"
