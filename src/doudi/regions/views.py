"""Pages for browsing the place tree and, for administrators, correcting a place."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.errors import DoudiError
from doudi.regions import queries, services
from doudi.regions.models import Classification


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    return redirect("regions:detail", code=request.user.region_id)


@login_required
def region_detail(
    request: HttpRequest, code: str, error: DoudiError | None = None, status: int = 200
) -> HttpResponse:
    region = queries.region_for(request.user, code)
    children = Paginator(queries.children_of(request.user, region), 100)
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "children": children.get_page(request.GET.get("page")),
            "can_edit": has_permission(request.user, Permission.EDIT_REGIONS),
            "classifications": Classification.choices,
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def region_update(request: HttpRequest, code: str) -> HttpResponse:
    try:
        services.update_region(
            request.user,
            code,
            name=request.POST.get("name", ""),
            classification=request.POST.get("classification", ""),
            reason=request.POST.get("reason", ""),
        )
    except DoudiError as error:
        if error.http_status != 400:
            raise
        return region_detail(request, code, error=error, status=400)
    messages.success(request, _("Saved."))
    return redirect("regions:detail", code=code)
