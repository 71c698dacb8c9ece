"""Log-in, home, and the error pages every app shares."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import NOT_FOUND
from doudi.errors import CellError, DoudiError, NotPermitted, OutsideJurisdiction, ValidationFailed
from doudi.regions.queries import home_region
from doudi.web.home import counters_for, tasks_for
from doudi.web.refusals import field_label


class DoudiLoginView(LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {
            "place": home_region(request.user),
            "counters": counters_for(request.user),
            "task_lists": tasks_for(request.user, timezone.localdate()),
        },
    )


def refusal(request: HttpRequest, error: DoudiError, status: int | None = None) -> HttpResponse:
    """A refusal as a page, or as the API's JSON error for /api/ paths."""
    status = status or error.http_status
    if request.path.startswith("/api/"):
        return JsonResponse({"error": error.as_dict()}, status=status)
    problems = error.problems if isinstance(error, ValidationFailed) else []
    context = {
        "message": error.render(),
        # Each field by its Chinese name (第2位成员 · 身份证号), its path as the API gives it
        # (members[1].id_number) kept in data-field; a cell's message already names its row and
        # column.
        **_named(error),
        "problems": [{**_named(p), "message": p.render()} for p in problems],
    }
    return render(request, "web/refused.html", context, status=status)


def _named(error: DoudiError) -> dict[str, str]:
    path = "" if isinstance(error, CellError) else error.field or ""
    return {"field": path, "label": field_label(path) if path else ""}


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return refusal(
        request,
        NotPermitted(
            _("The form had expired or did not come from this site. Reload the page and try again.")
        ),
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refusal(request, OutsideJurisdiction(NOT_FOUND))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refusal(request, NotPermitted(_("Your role does not allow this action.")))


def server_error(request: HttpRequest) -> HttpResponse:
    error = DoudiError(
        _("Something went wrong on our side. Please try again, or call the system administrator.")
    )
    error.code = "server_error"
    return refusal(request, error, status=500)
