"""Lists under /api/v1: ``?limit=&offset=``, answered as ``{count, next, previous, results}``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from doudi.errors import DoudiError
from doudi.text import is_digits

MAX_LIMIT = 500  # rows a page may ask for; a limit of 10^20 no longer reaches the database


class Pagination(LimitOffsetPagination):
    """A limit or offset that is not a whole number is refused naming it, rather than quietly
    replaced by the default; a limit above ``MAX_LIMIT`` gives ``MAX_LIMIT`` rows."""

    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        limit = _whole_number(request, self.limit_query_param)
        if limit is None:
            return self.default_limit
        if limit < 1:
            raise DoudiError(_("The limit must be at least 1."), field=self.limit_query_param)
        return min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        # An offset past the end gives an empty page: the database never sees it.
        return _whole_number(request, self.offset_query_param) or 0


def _whole_number(request: Request, name: str) -> int | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    if not is_digits(text):
        raise DoudiError(_("“%(value)s” is not a whole number."), field=name, value=text)
    return int(text)
