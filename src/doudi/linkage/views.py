"""The county's review queue (待复核匹配): pending pairs and the decision on one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from doudi.linkage import queries, services

PAGE_SIZE = 100


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    # The member's name, birth year and place suffice to compare; no ID number is shown.
    pairs = queries.pending_pairs(request.user).select_related("member__household__region")
    return render(request, "linkage/pending.html", {"pairs": pairs[:PAGE_SIZE]})


@login_required
@require_POST
def decide(request: HttpRequest, pair_id: int) -> HttpResponse:
    services.decide(
        request.user,
        pair_id,
        same_person=request.POST.get("same_person") == "yes",
        reason=request.POST.get("reason", "").strip(),
    )
    return redirect("linkage:pending")
