"""Pairs put before a clerk (人工复核): a department record that may be a registry member."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.registry.models import Member
from doudi.sources.contracts import get_source


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    SAME_PERSON = "same_person", _("Same person")
    DIFFERENT_PERSON = "different_person", _("Different person")


class ReviewPair(models.Model):
    """One record of one delivery and one member the model could not tell apart from it.

    ``delivery_id`` is a plain integer: the deliveries (doudi.sources) are kept by another app.
    """

    source_key = models.CharField(_("source"), max_length=64)
    delivery_id = models.BigIntegerField(_("delivery"))
    record_row = models.PositiveIntegerField(_("line in the delivered file"))
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="review_pairs", verbose_name=_("member")
    )
    probability = models.FloatField(_("match probability"))
    state = models.CharField(
        _("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("pair to review")
        verbose_name_plural = _("pairs to review")
        ordering = ["id"]
        constraints = [
            # Linking a delivery again must not queue the same pair twice.
            models.UniqueConstraint(
                fields=["source_key", "delivery_id", "record_row", "member"],
                name="linkage_pair_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_key}/{self.delivery_id}:{self.record_row} ~ {self.member_id}"

    @property
    def source_label(self) -> str:
        """The source as a page names it (what it holds, who delivers it), never its key."""
        return get_source(self.source_key).label
