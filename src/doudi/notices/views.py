"""The public notice pages (no log-in: a village's link and its objection form) and the staff
pages (the villages' notices, their PDF and QR code, the objections and their handling). They
only call queries.py, services.py, steps.py and pdf.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.errors import DoudiError
from doudi.hotline.models import Category
from doudi.hotline.services import PUBLIC_CATEGORIES, lodge_from_public_page
from doudi.notices import cards, pdf, qr, queries, services, steps
from doudi.notices.models import NoticeBoard, ObjectionState
from doudi.web.refusals import labelled_messages, refuse

PER_PAGE = 100
FIELD_LABELS = {
    "ref": gettext_lazy("the line objected to"),
    "name": gettext_lazy("your name"),
    "phone": gettext_lazy("your phone"),
    "text": gettext_lazy("your objection"),
    "answer": gettext_lazy("what was done or found"),
    "state": gettext_lazy("state"),
}


# --- public, without log-in ---------------------------------------------------------------------


def _sender(request: HttpRequest) -> str:
    """The client's address: the proxy's header where one is set (DOUDI_CLIENT_ADDRESS_HEADER),
    otherwise the connection's."""
    header = settings.DOUDI_CLIENT_ADDRESS_HEADER
    if header:
        given = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        if given:
            return given
    return request.META.get("REMOTE_ADDR", "")


def _too_many(request: HttpRequest) -> bool:
    """A bound on public reads per address and minute, kept in the cache (never the address)."""
    now = timezone.now()
    key = "notices:" + services.sender_key(_sender(request), now.date()) + now.strftime("%H%M")
    count = cache.get_or_set(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=60)
        count = 1
    return count > settings.DOUDI_PUBLIC_PAGES_PER_MINUTE


def _enquiry_categories() -> list[tuple[str, str]]:
    labels = dict(Category.choices)
    return [(str(c), labels[c]) for c in PUBLIC_CATEGORIES]


def _public_page(
    request: HttpRequest,
    board: NoticeBoard,
    *,
    errors: list[str] | None = None,
    enquiry_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    notice = queries.notice_of(board.region, timezone.localdate())
    long_term = Paginator(notice.long_term, queries.PUBLIC_PAGE_LINES).get_page(
        request.GET.get("page")
    )
    link = request.build_absolute_uri(reverse("public_notices:notice", args=[board.token]))
    return render(
        request,
        "notices/public.html",
        {
            "notice": notice,
            "proposed": notice.proposed[: queries.PUBLIC_PAGE_LINES],
            "long_term": long_term,
            "qr_svg": qr.svg(link),
            "token": board.token,
            "chosen": request.POST.get("ref") or request.GET.get("ref", ""),
            "errors": errors or [],
            "lodged": request.GET.get("lodged") == "1",
            "asked": request.GET.get("asked") == "1",
            "typed": request.POST if errors else {},
            "enquiry_errors": enquiry_errors or [],
            "enquiry_typed": request.POST if enquiry_errors else {},
            "enquiry_categories": _enquiry_categories(),
        },
        status=status,
    )


def _gone(request: HttpRequest, status: int = 404) -> HttpResponse:
    return render(request, "notices/public_gone.html", {"status": status}, status=status)


def public_notice(request: HttpRequest, token: str) -> HttpResponse:
    if _too_many(request):
        return _gone(request, 429)
    try:
        board = queries.board_by_token(token)
    except DoudiError:
        return _gone(request)
    return _public_page(request, board)


@require_POST
def public_objection(request: HttpRequest, token: str) -> HttpResponse:
    if _too_many(request):
        return _gone(request, 429)
    try:
        board = queries.board_by_token(token)
    except DoudiError:
        return _gone(request)
    try:
        services.lodge_objection(
            token,
            request.POST.get("ref", ""),
            name=request.POST.get("name", ""),
            phone=request.POST.get("phone", ""),
            text=request.POST.get("text", ""),
            address=_sender(request),
        )
    except DoudiError as error:
        if error.http_status != 400:
            raise
        return _public_page(
            request, board, errors=labelled_messages(error, FIELD_LABELS), status=400
        )
    return redirect(reverse("public_notices:notice", args=[token]) + "?lodged=1")


ENQUIRY_LABELS = {
    "category": gettext_lazy("what it is about"),
    "name": gettext_lazy("your name"),
    "phone": gettext_lazy("your phone"),
    "caller_name": gettext_lazy("your name"),
    "caller_phone": gettext_lazy("your phone"),
    "text": gettext_lazy("your message"),
}


@require_POST
def public_enquiry(request: HttpRequest, token: str) -> HttpResponse:
    """An enquiry or complaint to the service hotline from the public page: a ticket of the
    village's township (hotline.services.lodge_from_public_page), under the page's bounds."""
    if _too_many(request):
        return _gone(request, 429)
    try:
        board = queries.board_by_token(token)
    except DoudiError:
        return _gone(request)
    try:
        lodge_from_public_page(
            token,
            category=request.POST.get("category", ""),
            name=request.POST.get("name", ""),
            phone=request.POST.get("phone", ""),
            text=request.POST.get("text", ""),
            address=_sender(request),
        )
    except DoudiError as error:
        if error.http_status != 400:
            raise
        return _public_page(
            request,
            board,
            enquiry_errors=labelled_messages(error, ENQUIRY_LABELS),
            status=400,
        )
    return redirect(reverse("public_notices:notice", args=[token]) + "?asked=1#enquiry")


# --- staff --------------------------------------------------------------------------------------


@login_required
def village_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.villages(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notices/villages.html", {"villages": page})


def _link(request: HttpRequest, board: NoticeBoard | None) -> str:
    if board is None:
        return ""
    return request.build_absolute_uri(reverse("public_notices:notice", args=[board.token]))


@login_required
def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    village = queries.village(request.user, code)
    board = NoticeBoard.objects.filter(region=village).first()
    link = _link(request, board)
    return render(
        request,
        "notices/village.html",
        {
            "village": village,
            "notice": queries.notice_of(village, timezone.localdate()),
            "board": board,
            "link": link,
            "qr_svg": qr.svg(link) if link else "",
            "steps": steps.offered_on_village(request.user, village.code),
            "objections": queries.objections(request.user).filter(region=village)[:PER_PAGE],
        },
    )


@login_required
def village_pdf(request: HttpRequest, code: str) -> HttpResponse:
    village = queries.village(request.user, code)
    board = NoticeBoard.objects.filter(region=village).first()
    if board is None:
        messages.error(request, _("Issue the village's public link first: the notice prints it."))
        return redirect("notices:village", code=village.code)
    data = pdf.render(queries.notice_of(village, timezone.localdate()), _link(request, board))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{village.code}.pdf"'
    return response


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def village_cards(request: HttpRequest, code: str) -> HttpResponse:
    """The 明白卡 of every household of the village receiving now, one per page."""
    village = queries.village(request.user, code)
    found = cards.cards_of_village(request.user, village.code, timezone.localdate())
    return _pdf(cards.render(found), f"cards-{village.code}.pdf")


@login_required
def household_card(request: HttpRequest, household_id: int) -> HttpResponse:
    found = cards.card_of(request.user, household_id, timezone.localdate())
    return _pdf(cards.render(found), f"card-{household_id}.pdf")


@login_required
def objection_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", ObjectionState.OPEN)
    rows = queries.objections(request.user, state)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/objections.html",
        {
            "objections": page,
            "rows": [(o, steps.offered(request.user, o)) for o in page.object_list],
            "state": state,
            "states": ObjectionState.choices,
        },
    )


@login_required
@require_POST
def objection_step(request: HttpRequest, objection_id: int, name: str) -> HttpResponse:
    try:
        steps.take(request.user, objection_id, name, request.POST.dict())
    except DoudiError as error:
        if error.http_status != 400:
            raise
        refuse(request, *labelled_messages(error, FIELD_LABELS))
    else:
        messages.success(request, _("Done."))
    return redirect("notices:objections")


@login_required
@require_POST
def village_step(request: HttpRequest, code: str, name: str) -> HttpResponse:
    try:
        steps.take(request.user, code, name, request.POST.dict())
    except DoudiError as error:
        if error.http_status != 400:
            raise
        refuse(request, *labelled_messages(error, FIELD_LABELS))
    else:
        messages.success(request, _("Done."))
    return redirect("notices:village", code=code)
