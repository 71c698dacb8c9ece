"""Re-masking stored masked numbers when the mask changes (a data migration's helper)."""

from __future__ import annotations

from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr

from doudi.identity.numbers import MASK_KEEPS_FIRST, MASK_KEEPS_LAST


def remask_column(model, field: str = "id_number_masked") -> None:
    """Set-based: an older mask kept the first six and the last four characters, and both keep
    the full length, so the new mask is cut from the stored one without decrypting anything."""
    length = 18
    model.objects.annotate(_length=Length(field)).filter(_length=length).update(
        **{
            field: Concat(
                Substr(field, 1, MASK_KEEPS_FIRST),
                Value("*" * (length - MASK_KEEPS_FIRST - MASK_KEEPS_LAST)),
                Substr(field, length - MASK_KEEPS_LAST + 1, MASK_KEEPS_LAST),
            )
        }
    )
