"""A delivery (数据交付): one department's file, read whole, kept as one Parquet snapshot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.sources.contracts import SOURCES, get_source


class Delivery(models.Model):
    """One accepted delivery. Refused deliveries leave no row (and no file)."""

    source = models.CharField(
        _("source"), max_length=40, choices=[(key, key) for key in SOURCES], db_index=True
    )
    contract_version = models.PositiveSmallIntegerField(_("contract version"))
    department = models.CharField(_("department"), max_length=60)
    # The data's own date (数据日期), which the check reports name; not the upload's.
    delivered_on = models.DateField(_("data date"))
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    rows_without_valid_id = models.PositiveIntegerField(_("rows without a valid ID number"))
    snapshot_path = models.CharField(_("snapshot"), max_length=500, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("delivered by"),
    )
    # The deliverer's place: the jurisdiction whose staff see the delivery.
    region_code = models.CharField(_("place"), max_length=12, db_index=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["source", "-delivered_on"])]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk} ({self.delivered_on})"

    @property
    def title(self):
        """What the source holds, as pages name it (never by its key)."""
        return get_source(self.source).title
