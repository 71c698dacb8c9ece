"""The dashboards of a place (its own by default) and its monthly report as an Excel table.
They only call queries.py and report.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from doudi.dates import parse_month
from doudi.spreadsheets import xlsx_response
from doudi.statistics import queries, report


def _month(request: HttpRequest):
    given = request.GET.get("month", "")
    return parse_month(given) if given else None


@login_required
def own_dashboard(request: HttpRequest) -> HttpResponse:
    return redirect("statistics:dashboard", request.user.region_id)


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    board = queries.dashboard(request.user, code, _month(request))
    data = board.chart_data()
    data["labels"] = {
        "money": _("paid (yuan)"),
        "recipients": _("recipients"),
        "received": _("tickets received"),
        "on_time": _("answered on time"),
        "open_overdue": _("open past due"),
        "tickets": _("tickets"),
    }
    rows = [
        (programme, label, board.own.by_programme.get(programme, queries.Measures()))
        for programme, label in zip(board.programmes, board.programme_labels, strict=True)
    ]
    children = [(child, child.cells(board.programmes)) for child in board.children]
    return render(
        request,
        "statistics/dashboard.html",
        {
            "board": board,
            "rows": rows,
            "children": children,
            "chart_data": data,
        },
    )


@login_required
def monthly_report(request: HttpRequest, code: str) -> HttpResponse:
    month, data = report.monthly_report(request.user, code, _month(request))
    return xlsx_response(data, f"statistics-{code}-{month:%Y-%m}.xlsx")
