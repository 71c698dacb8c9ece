from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day an administrator declared working or not, overriding the maintained library —
    for years the library does not know yet, or a local arrangement (e.g. a disaster closure)."""

    day = models.DateField(_("day"), unique=True)
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set"), auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")

    def __str__(self) -> str:
        return f"{self.day} {'working' if self.working else 'rest'} {self.name}"
