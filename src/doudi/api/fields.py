"""Serializer fields every API module shares, so a value is read the same way as on the pages."""

from __future__ import annotations

import datetime
from typing import Any

from rest_framework import serializers

from doudi.dates import not_beyond, parse_date
from doudi.errors import DoudiError


class DateField(serializers.DateField):
    """A JSON string YYYY-MM-DD, read by ``doudi.dates.parse_date`` (DRF's own DateField also
    takes 20260301 and datetimes); ``days_ahead`` refuses a day further ahead than that many days
    after today (``doudi.dates.not_beyond``). The refusal's text is the reader's."""

    def __init__(self, *, days_ahead: int | None = None, **kwargs: Any) -> None:
        self.days_ahead = days_ahead
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> datetime.date:
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DD")
        try:
            day = parse_date(value, field=self.field_name, required=True)
            if self.days_ahead is not None:
                not_beyond(day, field=self.field_name, days_ahead=self.days_ahead)
        except DoudiError as error:
            raise serializers.ValidationError(error.render(), code="invalid") from None
        assert day is not None
        return day
