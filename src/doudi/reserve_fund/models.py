from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.regions.models import Region


class ReserveFund(models.Model):
    """One township's fund: its balance is the sum of its movements, kept here for locking."""

    township = models.OneToOneField(
        Region, on_delete=models.PROTECT, primary_key=True, verbose_name=_("township")
    )
    balance_fen = models.BigIntegerField(_("balance (fen)"), default=0)

    class Meta:
        verbose_name = _("reserve fund")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_fen__gte=0), name="reserve_fund_never_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.township_id}: {self.balance_fen}"


class MovementKind(models.TextChoices):
    ALLOCATION = "allocation", _("Allocation from the county")
    PAYMENT = "payment", _("Emergency payment")
    REPLENISHMENT = "replenishment", _("Replenishment")
    RETURN = "return", _("Returned to the county")


class ReserveMovement(models.Model):
    fund = models.ForeignKey(ReserveFund, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=14, choices=MovementKind.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    balance_after_fen = models.BigIntegerField(_("balance after (fen)"))
    recipient = models.CharField(_("recipient or source"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["fund_id", "id"]
        verbose_name = _("reserve movement")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="reserve_movement_positive")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_fen}"


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted to the county")
    APPROVED = "approved", _("Approved and paid in")
    REFUSED = "refused", _("Refused")


class ReplenishmentRequest(models.Model):
    """A township's request to the county to replenish its fund (备用金补充申请), showing its
    spending: the emergency payments made since the last replenishment, listed and summed. The
    county approves it, which writes the replenishment of that sum, or refuses it, which
    leaves the payments to be listed again."""

    fund = models.ForeignKey(
        ReserveFund, on_delete=models.PROTECT, related_name="requests", verbose_name=_("township")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    payments = models.ManyToManyField(
        ReserveMovement, related_name="replenishment_requests", verbose_name=_("payments listed")
    )
    amount_fen = models.BigIntegerField(_("amount asked for (fen)"))
    note = models.CharField(_("note"), max_length=300)
    submitted_on = models.DateField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    movement = models.OneToOneField(
        ReserveMovement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replenishment"),
    )

    class Meta:
        verbose_name = _("replenishment request")
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="replenishment_request_positive"
            ),
            models.UniqueConstraint(
                fields=["fund"],
                condition=Q(state="submitted"),
                name="one_open_replenishment_request",
            ),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(movement__isnull=False),
                name="approved_request_has_movement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.submitted_on} {self.state}"
