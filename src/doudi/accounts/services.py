"""Every change to staff accounts and their API tokens: one transaction, one audit event each."""

from __future__ import annotations

import datetime

from axes.utils import reset as reset_failed_logins
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from doudi.accounts import sessions
from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.lockout import lock_ends
from doudi.accounts.models import User
from doudi.accounts.roles import ADMINISTRATOR_ROLES, ROLE_LEVELS, Permission, Role
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.errors import DoudiError, NotPermitted
from doudi.identity.numbers import InvalidIdNumber
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.text import plain_text, required_reason


def snapshot(user: User) -> dict[str, object]:
    """What the audit trail keeps of an account (the ID number only masked)."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "region": user.region_id,
        "phone": user.phone,
        "is_active": user.is_active,
        "id_number": user.id_number_masked,
    }


def _build_user(
    *,
    username: str,
    password: str,
    role: str,
    region_code: str,
    full_name: str,
    phone: str,
    id_number: str,
) -> User:
    if role not in Role.values:
        raise DoudiError(_("Unknown role “%(role)s”."), field="role", role=role)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise DoudiError(_("Unknown place code “%(code)s”."), field="region", code=region_code)
    if Level(region.level) not in ROLE_LEVELS[Role(role)]:
        raise DoudiError(
            _("A %(role)s cannot belong to a place of level %(level)s."),
            field="region",
            role=Role(role).label,
            level=Level(region.level).label,
        )
    if User.objects.filter(username=username).exists():
        raise DoudiError(_("User name “%(name)s” is taken."), field="username", name=username)
    full_name = plain_text(full_name, field="full_name")
    user = User(username=username, role=role, region=region, full_name=full_name, phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DoudiError(" ".join(error.messages), field="password") from None
    if id_number:
        try:
            user.set_id_number(id_number)
        except InvalidIdNumber as error:
            error.field = "id_number"
            raise
    user.set_password(password)
    return user


@transaction.atomic
def create_user(
    actor: User,
    *,
    username: str,
    password: str,
    role: str,
    region_code: str,
    full_name: str = "",
    phone: str = "",
    id_number: str = "",
    reason: str = "",
    must_change_password: bool = True,
) -> User:
    """A new account; its owner must change the password the creator chose at the first
    log-in (the demo, whose password is published anyway, passes False)."""
    require(actor, _permission_for_accounts_of(role), region_code)
    user = _build_user(
        username=username,
        password=password,
        role=role,
        region_code=region_code,
        full_name=full_name,
        phone=phone,
        id_number=id_number,
    )
    user.must_change_password = must_change_password
    user.save()
    record(
        actor=actor,
        action=AuditAction.USER_CREATE,
        object_type="user",
        object_id=user.username,
        region_code=user.region_id,
        after=snapshot(user),
        reason=reason,
    )
    return user


def _permission_for_accounts_of(role: str) -> Permission:
    """Who may create or deactivate an account of ``role`` (三员分立): the security
    administrator for the three administrator roles, the system administrator for the rest."""
    return Permission.ASSIGN_ROLES if role in ADMINISTRATOR_ROLES else Permission.MANAGE_USERS


@transaction.atomic
def bootstrap_admin(
    *,
    username: str,
    password: str,
    region_code: str,
    full_name: str = "",
    role: str = Role.SYSTEM_ADMIN,
) -> User:
    """The first administrator of each of the three roles of a new installation (system,
    security, audit); refused once one of that role exists."""
    if role not in ADMINISTRATOR_ROLES:
        raise DoudiError(
            _("Only an administrator role can be created this way: %(roles)s."),
            field="role",
            roles=", ".join(sorted(ADMINISTRATOR_ROLES)),
        )
    if User.objects.filter(role=role).exists():
        raise DoudiError(
            _("A %(role)s already exists; ask the security administrator to add accounts."),
            field="role",
            role=Role(role).label,
        )
    user = _build_user(
        username=username,
        password=password,
        role=role,
        region_code=region_code,
        full_name=full_name,
        phone="",
        id_number="",
    )
    user.save()
    record(
        actor=None,
        action=AuditAction.USER_BOOTSTRAP_ADMIN,
        object_type="user",
        object_id=user.username,
        region_code=user.region_id,
        after=snapshot(user),
    )
    return user


@transaction.atomic
def set_active(actor: User, username: str, *, active: bool, reason: str) -> User:
    user = get_in_scope(
        actor,
        User.objects.select_for_update(),
        Permission.VIEW_USERS,
        "region__code",
        username=username,
    )
    require(actor, _permission_for_accounts_of(user.role), user.region_id)
    reason = required_reason(reason)
    if user.pk == actor.pk and not active:
        raise DoudiError(_("You cannot deactivate your own account."), field="username")
    before = snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        sessions.end_everywhere(user)  # a deactivated account keeps no open door
    record(
        actor=actor,
        action=AuditAction.USER_ACTIVATE if active else AuditAction.USER_DEACTIVATE,
        object_type="user",
        object_id=user.username,
        region_code=user.region_id,
        before=before,
        after=snapshot(user),
        reason=reason,
    )
    return user


@transaction.atomic
def unlock(actor: User, username: str, *, reason: str) -> int:
    """Clear the failed log-ins that locked the account; returns how many were cleared."""
    user = get_in_scope(
        actor, User.objects.all(), Permission.VIEW_USERS, "region__code", username=username
    )
    require(actor, Permission.UNLOCK_USERS, user.region_id)
    reason = required_reason(reason)
    cleared = reset_failed_logins(username=user.username)
    record(
        actor=actor,
        action=AuditAction.USER_UNLOCK,
        object_type="user",
        object_id=user.username,
        region_code=user.region_id,
        after={"failed_attempts_cleared": cleared, "attempts_while_locked": lock_ends(user)},
        reason=reason,
    )
    return cleared


@transaction.atomic
def set_role(actor: User, username: str, *, role: str, reason: str) -> User:
    """Give an account another role (the security administrator's work, 三员分立)."""
    user = get_in_scope(
        actor,
        User.objects.select_for_update(),
        Permission.VIEW_USERS,
        "region__code",
        username=username,
    )
    require(actor, Permission.ASSIGN_ROLES, user.region_id)
    reason = required_reason(reason)
    if user.pk == actor.pk:
        raise DoudiError(_("You cannot change your own role."), field="role")
    if role not in Role.values:
        raise DoudiError(_("Unknown role “%(role)s”."), field="role", role=role)
    if Level(user.region.level) not in ROLE_LEVELS[Role(role)]:
        raise DoudiError(
            _("A %(role)s cannot belong to a place of level %(level)s."),
            field="role",
            role=Role(role).label,
            level=Level(user.region.level).label,
        )
    before = snapshot(user)
    user.role = role
    user.save(update_fields=["role"])
    record(
        actor=actor,
        action=AuditAction.USER_SET_ROLE,
        object_type="user",
        object_id=user.username,
        region_code=user.region_id,
        before=before,
        after=snapshot(user),
        reason=reason,
    )
    return user


class PasswordChangeRequired(NotPermitted):
    code = "password_change_required"


PASSWORD_CHANGE_REQUIRED = _(
    "Change your password first: log in on the web pages, which ask for a new one."
)


@transaction.atomic
def change_password(user: User, *, current: str, new: str, again: str) -> User:
    """The owner chooses a new password (and so ends the first log-in's obligation)."""
    if not user.check_password(current):
        raise DoudiError(_("The current password is wrong."), field="current_password")
    if new != again:
        raise DoudiError(_("The two new passwords differ."), field="new_password_again")
    if new == current:
        raise DoudiError(
            _("The new password must be different from the current one."), field="new_password"
        )
    try:
        validate_password(new, user)
    except ValidationError as error:
        raise DoudiError(" ".join(error.messages), field="new_password") from None
    user.set_password(new)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(
        actor=user,
        action=AuditAction.USER_PASSWORD_CHANGE,
        object_type="user",
        object_id=user.username,
        region_code=user.region_id,
    )
    return user


# ------------------------------------------------------------------------------- API tokens


@transaction.atomic
def issue_token(user: User) -> tuple[str, datetime.datetime | None]:
    """A new personal API token for ``user``, who has just proved who they are (the API log-in,
    ``doudi users token``). Returns the token, shown once and never stored in clear, and when
    it lapses. The event keeps only the token's first characters, enough to tell tokens apart.
    Refused while the user still has to change a password somebody else chose."""
    if user.must_change_password:
        raise PasswordChangeRequired(PASSWORD_CHANGE_REQUIRED)
    instance, token = AuthToken.objects.create(user)
    record(
        actor=user,
        action=AuditAction.AUTH_LOGIN,
        object_type="user",
        object_id=user.username,
        region_code=user.region_id,
        after={"token": instance.token_key, "expiry": instance.expiry},
    )
    return token, instance.expiry


@transaction.atomic
def revoke_token(user: User, token: AuthToken) -> None:
    """End one token of ``user`` (the API log-out); the user's other tokens stay valid."""
    if token.user_id != user.pk:
        raise NotPermitted(_("This token belongs to another user."))
    key = token.token_key
    token.delete()
    record(
        actor=user,
        action=AuditAction.AUTH_LOGOUT,
        object_type="user",
        object_id=user.username,
        region_code=user.region_id,
        before={"token": key},
    )


def user_for_token(token: str) -> User:
    """The active user a personal API token belongs to (the command line's credential)."""
    from knox.auth import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    try:
        user, _token = TokenAuthentication().authenticate_credentials(token.strip().encode())
    except AuthenticationFailed:
        raise DoudiError(_("The token is invalid or has expired."), field="DOUDI_TOKEN") from None
    return user
