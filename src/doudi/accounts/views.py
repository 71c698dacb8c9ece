"""Pages for staff accounts: list, detail, create, deactivate, unlock."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.accounts import queries, services
from doudi.accounts.jurisdiction import has_permission, require
from doudi.accounts.roles import ADMINISTRATOR_ROLES, Permission, Role
from doudi.errors import DoudiError
from doudi.regions.queries import place_choices


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    users = Paginator(queries.users_visible_to(request.user, search), 50)
    return render(
        request,
        "accounts/list.html",
        {
            "users": users.get_page(request.GET.get("page")),
            "search": search,
            "can_manage": bool(_creatable_roles(request.user)),
        },
    )


@login_required
def user_detail(
    request: HttpRequest, username: str, error: DoudiError | None = None, status: int = 200
) -> HttpResponse:
    account = queries.user_for(request.user, username)
    return render(
        request,
        "accounts/detail.html",
        {
            "account": account,
            "can_deactivate": has_permission(request.user, _account_permission(account.role)),
            "can_unlock": has_permission(request.user, Permission.UNLOCK_USERS),
            "can_assign": has_permission(request.user, Permission.ASSIGN_ROLES),
            "roles": Role.choices,
            "error": error,
        },
        status=status,
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    roles = _creatable_roles(request.user)
    if not roles:
        require(request.user, Permission.MANAGE_USERS)  # refuses, saying why
    error = None
    if request.method == "POST":
        try:
            user = services.create_user(
                request.user,
                username=request.POST.get("username", "").strip(),
                password=request.POST.get("password", ""),
                role=request.POST.get("role", ""),
                region_code=request.POST.get("region", "").strip(),
                full_name=request.POST.get("full_name", "").strip(),
                phone=request.POST.get("phone", "").strip(),
                id_number=request.POST.get("id_number", "").strip(),
                reason=request.POST.get("reason", "").strip(),
            )
        except DoudiError as refusal:
            if refusal.http_status != 400:
                raise
            error = refusal
        else:
            messages.success(request, _("Account created."))
            return redirect("accounts:detail", username=user.username)
    return render(
        request,
        "accounts/create.html",
        {
            "roles": roles,
            "places": place_choices(request.user),
            "values": request.POST,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def user_set_active(request: HttpRequest, username: str) -> HttpResponse:
    return _act(
        request,
        username,
        lambda reason: services.set_active(
            request.user, username, active=request.POST.get("active") == "1", reason=reason
        ),
    )


@login_required
@require_POST
def user_unlock(request: HttpRequest, username: str) -> HttpResponse:
    return _act(
        request, username, lambda reason: services.unlock(request.user, username, reason=reason)
    )


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The user's own password; the only page open while a first change is required."""
    error = None
    if request.method == "POST":
        try:
            user = services.change_password(
                request.user,
                current=request.POST.get("current_password", ""),
                new=request.POST.get("new_password", ""),
                again=request.POST.get("new_password_again", ""),
            )
        except DoudiError as refusal:
            error = refusal
        else:
            update_session_auth_hash(request, user)  # this session goes on, the others end
            messages.success(request, _("Password changed."))
            return redirect("web:home")
    return render(
        request,
        "accounts/password.html",
        {"error": error, "required": request.user.must_change_password},
        status=400 if error else 200,
    )


@login_required
@require_POST
def user_set_role(request: HttpRequest, username: str) -> HttpResponse:
    return _act(
        request,
        username,
        lambda reason: services.set_role(
            request.user, username, role=request.POST.get("role", ""), reason=reason
        ),
    )


def _creatable_roles(user) -> list[tuple[str, str]]:
    """The roles whose accounts ``user`` may create (三员分立)."""
    return [
        (value, label)
        for value, label in Role.choices
        if has_permission(user, _account_permission(value))
    ]


def _account_permission(role: str) -> Permission:
    return Permission.ASSIGN_ROLES if role in ADMINISTRATOR_ROLES else Permission.MANAGE_USERS


def _act(request: HttpRequest, username: str, action) -> HttpResponse:
    try:
        action(request.POST.get("reason", ""))
    except DoudiError as error:
        if error.http_status != 400:
            raise
        return user_detail(request, username, error=error, status=400)
    messages.success(request, _("Saved."))
    return redirect("accounts:detail", username=username)
