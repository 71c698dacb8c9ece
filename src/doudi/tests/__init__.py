"""Tests of the shared helpers next to ``doudi/money.py``."""

from __future__ import annotations

import pytest

from doudi.errors import DoudiError


def refusal(call, *args, **kwargs) -> DoudiError:
    """The refusal that ``call(*args, **kwargs)`` must raise."""
    with pytest.raises(DoudiError) as caught:
        call(*args, **kwargs)
    return caught.value
