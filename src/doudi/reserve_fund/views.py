"""The reserve-fund page: each township's balance and the movements of its fund. Views only
call queries."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from doudi.reserve_fund import queries


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    township = request.GET.get("township", "")
    movements = Paginator(queries.movements_visible_to(request.user, township), 100)
    return render(
        request,
        "reserve_fund/funds.html",
        {
            "funds": queries.funds_visible_to(request.user),
            "township": township,
            "movements": movements.get_page(request.GET.get("page")),
        },
    )
