"""An abstract model part for whatever stores an ID number (users; later, household members)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.identity import protection
from doudi.identity.numbers import IdNumber, mask, parse_id_number


class ProtectedIdNumber(models.Model):
    """Stores the number encrypted plus its keyed hash and masked form; never the clear text."""

    id_number_ciphertext = models.TextField(_("ID number (encrypted)"), blank=True, default="")
    id_number_hash = models.CharField(
        _("ID number look-up hash"), max_length=64, blank=True, default="", db_index=True
    )
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, default="")

    class Meta:
        abstract = True

    def set_id_number(self, raw: str) -> IdNumber:
        """Validate and store; raises InvalidIdNumber and leaves the object unchanged if bad."""
        number = parse_id_number(raw)
        self.id_number_ciphertext = protection.encrypt(number.value)
        self.id_number_hash = protection.lookup_hash(number.value)
        self.id_number_masked = mask(number.value)
        return number

    def reveal_id_number(self) -> str:
        """The clear number, for the few places that must show it in full (an audited view)."""
        return protection.decrypt(self.id_number_ciphertext) if self.id_number_ciphertext else ""

    @classmethod
    def id_number_filter(cls, raw: str) -> models.Q:
        """A filter matching one exact number through its keyed hash."""
        return models.Q(id_number_hash=protection.lookup_hash(raw))
