"""The reserve-fund pages: each township's balance and the movements of its fund, its
replenishment requests (a request with the payments it lists), the steps' forms read from
``steps.STEPS`` and the requests' Excel export. Views only call queries and steps; refusals are
shown above the page the step returns to, naming the field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.errors import DoudiError
from doudi.reserve_fund import exports, queries, steps
from doudi.reserve_fund.services import unlisted_payments
from doudi.spreadsheets import xlsx_response
from doudi.web.refusals import labelled_messages, refuse

FIELD_LABELS = {
    "township": gettext_lazy("township"),
    "note": gettext_lazy("note"),
    "reason": gettext_lazy("reason"),
    "state": gettext_lazy("state"),
    "actor": gettext_lazy("who"),
}


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    user = request.user
    township = request.GET.get("township", "")
    movements = Paginator(queries.movements_visible_to(user, township), 100)
    funds = list(queries.funds_visible_to(user))
    ask = steps.offered(user, steps.NOTHING)
    unlisted = {}
    if ask:
        unlisted = {f.township_id: list(unlisted_payments(f.township_id)) for f in funds}
    return render(
        request,
        "reserve_fund/funds.html",
        {
            "funds": funds,
            "township": township,
            "movements": movements.get_page(request.GET.get("page")),
            "requests": queries.requests_visible_to(user, township)[:100],
            "ask": ask[0] if ask else None,
            "unlisted": [
                (
                    fund,
                    unlisted[fund.township_id],
                    sum(p.amount_fen for p in unlisted[fund.township_id]),
                )
                for fund in funds
                if unlisted.get(fund.township_id)
            ],
        },
    )


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    found = queries.request_for(request.user, request_id)
    return render(
        request,
        "reserve_fund/request.html",
        {
            "request_": found,
            "payments": queries.payments_of(found),
            "steps": steps.offered(request.user, steps.REQUEST, found),
        },
    )


@login_required
@require_POST
def take(request: HttpRequest, name: str, object_id: int | None = None) -> HttpResponse:
    try:
        result = steps.take(request.user, name, object_id, request.POST)
    except DoudiError as error:
        if error.http_status != 400:
            raise  # not permitted, or not found: answered as such by the middleware
        refuse(request, *labelled_messages(error, FIELD_LABELS))
        if object_id is not None:
            return redirect("reserve_fund:request", object_id)
        return redirect("reserve_fund:funds")
    messages.success(request, _("Done."))
    return redirect("reserve_fund:request", result.pk)


@login_required
def requests_export(request: HttpRequest) -> HttpResponse:
    township = request.GET.get("township", "")
    found = queries.requests_visible_to(request.user, township).prefetch_related("payments")
    return xlsx_response(exports.requests_workbook(found), "replenishment-requests.xlsx")
