"""Money at the edges: yuan as people type and read it, integer fen inside."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError

FEN_PER_YUAN = 100


def yuan_to_fen(text: str | int | Decimal, *, field: str = "amount") -> int:
    """Exact conversion of a yuan amount (at most two decimals) to fen; refuses anything else."""
    try:
        amount = Decimal(str(text).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise DoudiError(
            _("“%(value)s” is not an amount in yuan."), field=field, value=text
        ) from None
    if not amount.is_finite():
        raise DoudiError(_("“%(value)s” is not an amount in yuan."), field=field, value=text)
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise DoudiError(_("An amount in yuan has at most two decimals (fen)."), field=field)
    if amount < 0:
        raise DoudiError(_("An amount cannot be negative."), field=field)
    return int(amount * FEN_PER_YUAN)


def fen_to_yuan(fen: int, *, grouped: bool = True) -> str:
    """Two decimals, thousands separated for people to read: 123456 → "1,234.56"; without
    separators (``grouped=False``, "1234.56") for files and forms that are read back."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan:,}.{cents:02d}" if grouped else f"{sign}{yuan}.{cents:02d}"


def fen_to_decimal(fen: int) -> Decimal:
    """The exact amount in yuan as a Decimal of two places (an Excel cell of money)."""
    return Decimal(fen).scaleb(-2)


def whole_fen(value: object, *, field: str = "amount_fen", positive: bool = False) -> int:
    """An amount given in integer fen (as the API and services take it): a whole number, not
    negative, and more than zero where ``positive``; refuses anything else naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DoudiError(_("“%(value)s” is not a whole number of fen."), field=field, value=value)
    if value < 0:
        raise DoudiError(_("An amount cannot be negative."), field=field)
    if positive and value == 0:
        raise DoudiError(_("The amount must be more than zero."), field=field)
    return value
