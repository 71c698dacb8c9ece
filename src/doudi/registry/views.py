"""Pages of the registry. Each one reads the request, calls a query or a service, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission, require
from doudi.accounts.roles import Permission
from doudi.dates import parse_date
from doudi.errors import DoudiError, ValidationFailed
from doudi.money import yuan_to_fen
from doudi.regions.codes import Level
from doudi.regions.queries import hukou_place_choices, place_choices, regions_visible_to
from doudi.registry import choices, queries, services, whole_file
from doudi.registry.chain import assistance_chain
from doudi.registry.queries import HouseholdFilter
from doudi.text import is_digits

MEMBER_TEXT_FIELDS = (
    "name",
    "id_number",
    "relation",
    "hukou_region",
    "hukou_type",
    "residence_region",
    "marital_status",
    "phone",
    "disability_category",
    "serious_illness",
    "education",
    "employment",
    "joined_on",
    "death_date",
    "excluded_reason",
    "social_security_card",
)


# ------------------------------------------------------------------------------- helpers


def _field_errors(error: DoudiError, strip: str = "") -> dict[str, str]:
    """Each problem's message under its field name (``members[0].name`` → ``name``)."""
    problems = error.problems if isinstance(error, ValidationFailed) else [error]
    errors: dict[str, str] = {}
    for problem in problems:
        name = (problem.field or "form").removeprefix(strip)
        errors.setdefault(name, problem.render())
    return errors


def _member_from_post(post) -> dict[str, Any]:
    data: dict[str, Any] = {name: post.get(name, "").strip() for name in MEMBER_TEXT_FIELDS}
    grade = post.get("disability_grade", "").strip()
    data["disability_grade"] = int(grade) if is_digits(grade) else (grade or None)
    data["self_care_failed"] = post.getlist("self_care_failed")
    data["in_school"] = post.get("in_school") == "on"
    data["death_date"] = data["death_date"] or None
    return data


def _member_choices() -> dict[str, Any]:
    return {
        "relations": choices.Relation.choices,
        "hukou_types": choices.HukouType.choices,
        "marital_statuses": choices.MaritalStatus.choices,
        "disability_categories": choices.DisabilityCategory.choices,
        "self_care_items": choices.SelfCareItem.choices,
        "educations": choices.Education.choices,
        "employments": choices.Employment.choices,
        "exclusion_reasons": choices.ExclusionReason.choices,
    }


def _villages(request: HttpRequest):
    return regions_visible_to(request.user).filter(level=Level.VILLAGE).select_related("parent")


def _filter_from(data, *, posted: bool) -> HouseholdFilter:
    """The ID number is read from a POST body only (a GET carrying one is refused before any
    view: web.middleware.IdNumberNotInUrlMiddleware)."""
    return HouseholdFilter(
        name=data.get("name", "").strip(),
        id_number=data.get("id_number", "").strip() if posted else "",
        place=data.get("place", "").strip(),
    )


# ------------------------------------------------------------------------------ households


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """GET filters by name and place; an ID-number search comes by POST so that the number
    never appears in a URL, a browser history or a server log."""
    posted = request.method == "POST"
    wanted = _filter_from(request.POST if posted else request.GET, posted=posted)
    page = Paginator(queries.household_list(request.user, wanted), 50).get_page(
        request.GET.get("page")
    )
    heads, sizes = queries.heads_of(list(page)), queries.sizes_of(list(page))
    return render(
        request,
        "registry/list.html",
        {
            "page": page,
            "rows": [
                (household, heads.get(household.pk), sizes.get(household.pk, 0))
                for household in page
            ],
            "wanted": wanted,
            "places": place_choices(request.user),
            "can_edit": has_permission(request.user, Permission.EDIT_HOUSEHOLDS),
            "can_import": has_permission(request.user, Permission.IMPORT_HOUSEHOLDS),
        },
    )


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.EDIT_HOUSEHOLDS)
    errors: dict[str, str] = {}
    if request.method == "POST":
        head = _member_from_post(request.POST)
        head["relation"] = choices.Relation.HEAD
        form = {
            "region": request.POST.get("region", ""),
            "address": request.POST.get("address", ""),
            "members": [head],
        }
        try:
            household, warnings = services.create_household(
                request.user, form, reason=request.POST.get("reason", "")
            )
        except DoudiError as error:
            if error.http_status != 400:
                raise
            errors = {**_field_errors(error, "members[0].")}
        else:
            for warning in warnings:
                messages.warning(request, warning.render())
            messages.success(request, _("Household registered."))
            return redirect("registry:detail", household_id=household.pk)
    return render(
        request,
        "registry/create.html",
        {
            "villages": _villages(request),
            "values": request.POST,
            "errors": errors,
            **_member_choices(),
            "hukou_places": hukou_place_choices(request.user),
        },
        status=400 if errors else 200,
    )


@login_required
def household_detail(
    request: HttpRequest, household_id: int, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    on = parse_date(request.GET.get("as_of"), field="as_of") or today
    known_on = parse_date(request.GET.get("known_on"), field="known_on") or on
    household = queries.household_for(request.user, household_id)
    form = queries.household_form(request.user, household_id, on=on, known_on=known_on)
    names = {m["key"]: m["name"] for m in form["members"] + form["former_members"]}
    # The engine takes a moment per household: it runs when asked, not on every visit.
    evaluate = request.GET.get("evaluate") == "1"
    return render(
        request,
        "registry/detail.html",
        {
            "household": household,
            "form": form,
            "member_names": names,
            "on": on,
            "on_iso": on.isoformat(),  # beside the certificates' ISO days (_certificate.html)
            "known_on": known_on,
            "is_today": on == today and known_on == today,
            "versions": queries.versions_of(request.user, household_id)[:20],
            "attachments": queries.attachments_of(request.user, household_id),
            "chain": assistance_chain(request.user, household_id),
            "file": whole_file.whole_file(
                request.user, household_id, today, all_payments=request.GET.get("payments") == "all"
            ),
            "evaluation": whole_file.evaluation(request.user, household_id, today)
            if evaluate
            else None,
            "can_see_payrolls": has_permission(request.user, Permission.VIEW_PAYROLLS),
            "can_edit": has_permission(request.user, Permission.EDIT_HOUSEHOLDS),
            "villages": _villages(request),
            "income_types": choices.IncomeType.choices,
            "expense_types": choices.ExpenseType.choices,
            "asset_types": choices.AssetType.choices,
            "vehicle_types": choices.VehicleType.choices,
            "leave_reasons": choices.LeaveReason.choices,
            # Whoever leaves a household without a head (data from before the rule) may name one.
            "has_head": any(m["relation"] == choices.Relation.HEAD for m in form["members"]),
            "attachment_categories": choices.AttachmentCategory.choices,
            "errors": errors or {},
        },
        status=status,
    )


def _back_to_detail(request: HttpRequest, household_id: int, action) -> HttpResponse:
    """Run a service; on success return to the household, on refusal show it there."""
    try:
        action()
    except DoudiError as error:
        if error.http_status != 400:
            raise
        return household_detail(request, household_id, errors=_field_errors(error), status=400)
    messages.success(request, _("Saved."))
    return redirect("registry:detail", household_id=household_id)


@login_required
@require_POST
def household_update(request: HttpRequest, household_id: int) -> HttpResponse:
    return _back_to_detail(
        request,
        household_id,
        lambda: services.update_household(
            request.user,
            household_id,
            address=request.POST.get("address", ""),
            region_code=request.POST.get("region", ""),
            reason=request.POST.get("reason", ""),
        ),
    )


# --------------------------------------------------------------------------------- members


def _member_page(request: HttpRequest, household, member, save) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            _saved, warnings = save(_member_from_post(request.POST), request.POST.get("reason", ""))
        except DoudiError as error:
            if error.http_status != 400:
                raise
            errors = _field_errors(error)
        else:
            for warning in warnings:
                messages.warning(request, warning.render())
            messages.success(request, _("Saved."))
            return redirect("registry:detail", household_id=household.pk)
    return render(
        request,
        "registry/member.html",
        {
            "household": household,
            "member": member,
            "today_iso": timezone.localdate().isoformat(),  # for _certificate.html
            "values": request.POST if request.method == "POST" else _member_values(member),
            "errors": errors,
            **_member_choices(),
            "hukou_places": hukou_place_choices(request.user),
        },
        status=400 if errors else 200,
    )


def _member_values(member) -> dict[str, Any]:
    if member is None:
        return {}
    values = {
        name: getattr(member, name, "")
        for name in (
            "name",
            "relation",
            "hukou_type",
            "marital_status",
            "phone",
            "disability_category",
            "serious_illness",
            "education",
            "employment",
            "excluded_reason",
            "social_security_card",
        )
    }
    values.update(
        hukou_region=member.hukou_region_code,
        residence_region=member.residence_region_code,
        disability_grade=member.disability_grade or "",
        joined_on=member.joined_on.isoformat(),
        in_school=member.in_school,
        self_care_failed=member.self_care_failed,
        id_number="",
    )
    return values


@login_required
def member_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = queries.household_for(request.user, household_id)
    require(request.user, Permission.EDIT_HOUSEHOLDS, household.region_id)
    return _member_page(
        request,
        household,
        None,
        lambda data, reason: services.add_member(request.user, household_id, data, reason=reason),
    )


@login_required
def member_update(request: HttpRequest, member_id: int) -> HttpResponse:
    member = queries.member_for(request.user, member_id)
    require(request.user, Permission.EDIT_HOUSEHOLDS, member.household.region_id)
    return _member_page(
        request,
        member.household,
        member,
        lambda data, reason: services.update_member(request.user, member_id, data, reason=reason),
    )


@login_required
@require_POST
def member_end(request: HttpRequest, member_id: int) -> HttpResponse:
    member = queries.member_for(request.user, member_id)
    post = request.POST

    def end() -> None:
        left_on = parse_date(post.get("left_on"), field="left_on") or timezone.localdate()
        services.end_membership(
            request.user,
            member_id,
            left_on=left_on,
            leave_reason=post.get("leave_reason", ""),
            death_date=parse_date(post.get("death_date"), field="death_date"),
            new_head=_member_choice(post.get("new_head"), field="new_head"),
            reason=post.get("reason", ""),
        )

    return _back_to_detail(request, member.household_id, end)


def _member_choice(value: str | None, *, field: str) -> int | None:
    """A member chosen from a list (their id), or None when none was chosen."""
    if not value:
        return None
    if not value.isdigit():
        raise DoudiError(gettext_lazy("Choose a member of the household."), field=field)
    return int(value)


@login_required
@require_POST
def member_reveal(request: HttpRequest, member_id: int) -> HttpResponse:
    """The full number is shown on this response only, never put in a URL or redirect."""
    member = queries.member_for(request.user, member_id)
    try:
        number = services.reveal_id_number(
            request.user, member_id, reason=request.POST.get("reason", "")
        )
    except DoudiError as error:
        if error.http_status != 400:
            raise
        return household_detail(
            request, member.household_id, errors=_field_errors(error), status=400
        )
    return render(request, "registry/revealed.html", {"member": member, "number": number})


# ------------------------------------------------------------------ money facts and files


@login_required
@require_POST
def fact_add(request: HttpRequest, household_id: str, kind: str) -> HttpResponse:
    """``kind`` is income, expense or asset (the URL admits no other)."""
    post = request.POST

    def add() -> None:
        data: dict[str, Any] = {
            "type": post.get("type", ""),
            "note": post.get("note", ""),
            "member": post.get("member") or None,
        }
        if kind == "asset":
            data["value_fen"] = yuan_to_fen(post.get("value", ""), field="value_fen")
            data["vehicle_type"] = post.get("vehicle_type", "")
            data["floor_area_m2"] = post.get("floor_area_m2") or None
            capital = post.get("registered_capital", "")
            data["registered_capital_fen"] = (
                yuan_to_fen(capital, field="registered_capital_fen") if capital else None
            )
        else:
            data["month"] = post.get("month", "")
            data["amount_fen"] = yuan_to_fen(post.get("amount", ""), field="amount_fen")
        services.add_money_fact(
            request.user, household_id, kind, data, reason=post.get("reason", "")
        )

    return _back_to_detail(request, household_id, add)


@login_required
@require_POST
def fact_remove(request: HttpRequest, kind: str, fact_id: int) -> HttpResponse:
    household_id = int(request.POST.get("household", "0") or 0)
    return _back_to_detail(
        request,
        household_id,
        lambda: services.remove_money_fact(
            request.user, kind, fact_id, reason=request.POST.get("reason", "")
        ),
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, household_id: int) -> HttpResponse:
    upload = request.FILES.get("file")

    def add() -> None:
        if upload is None:
            raise DoudiError(gettext_lazy("Choose a file."), field="file")
        services.add_attachment(
            request.user,
            household_id,
            upload,
            category=request.POST.get("category", ""),
            description=request.POST.get("description", ""),
        )

    return _back_to_detail(request, household_id, add)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = queries.attachment_for(request.user, attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
