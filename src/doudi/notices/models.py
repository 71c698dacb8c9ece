"""A village's public notice board (its unguessable link) and the objections residents lodge
from it (群众异议)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.cases.models import Case
from doudi.regions.models import Region
from doudi.registry.models import Household

STAFF = settings.AUTH_USER_MODEL
MAX_OBJECTION = 1000  # characters a resident may write
MAX_NAME = 30
MAX_PHONE = 20


class NoticeBoard(models.Model):
    """The public link of one village or community: a random token, stable until the township
    renews it (the division code alone would let anyone walk every village's notice)."""

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="notice_board", verbose_name=_("place")
    )
    token = models.CharField(max_length=64, unique=True)
    issued_on = models.DateField(_("link issued"))
    issued_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("public notice board")

    def __str__(self) -> str:
        return self.region_id


class NoticeKind(models.TextChoices):
    PROPOSED = "proposed", _("7-day notice of proposed decisions")
    LONG_TERM = "long_term", _("Long-term notice of recipients")


class ObjectionState(models.TextChoices):
    OPEN = "open", _("To be handled")
    RECORDED = "recorded", _("Recorded as the case's objection")
    CLOSED = "closed", _("Answered and closed")


class PublicObjection(models.Model):
    """An objection a resident lodged against one line of a village's notice. It reaches the
    case on the 7-day notice (or, on the long-term notice, the household) as a to-do item of
    the township, which records it on the case (cases.services.object_to) or answers it."""

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="public_objections",
        verbose_name=_("place"),
    )
    notice = models.CharField(_("notice"), max_length=10, choices=NoticeKind.choices)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_objections",
        verbose_name=_("case"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="public_objections",
        verbose_name=_("household"),
    )
    programme = models.CharField(_("programme"), max_length=24)
    name = models.CharField(_("name of the person objecting"), max_length=MAX_NAME, blank=True)
    phone = models.CharField(_("phone of the person objecting"), max_length=MAX_PHONE, blank=True)
    text = models.TextField(_("objection"))
    received_on = models.DateField(_("received"))
    # A keyed hash of the sender's address and the day: enough to bound objections per address
    # and day, never the address itself.
    sender_key = models.CharField(max_length=64, db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    handled_on = models.DateField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("objection from the public notice")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.notice} {self.received_on}"
