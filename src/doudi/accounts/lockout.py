"""The answer to a log-in attempt on a locked account (django-axes calls this)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError


class AccountLocked(DoudiError):
    code = "account_locked"
    http_status = 403


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    error = AccountLocked(
        _(
            "Too many failed log-ins: this account is locked for %(minutes)d minutes. "
            "Ask your system administrator to unlock it sooner."
        ),
        minutes=minutes,
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"error": error.as_dict()}, status=error.http_status)
    return render(request, "web/login.html", {"error": error.render()}, status=error.http_status)
