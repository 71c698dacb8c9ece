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
