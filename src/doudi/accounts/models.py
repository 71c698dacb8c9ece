from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.roles import Role
from doudi.identity.models import ProtectedIdNumber
from doudi.regions.codes import prefix_of
from doudi.regions.models import Region


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, password: str | None, **fields: object) -> User:
        user = self.model(username=self.model.normalize_username(username), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(ProtectedIdNumber, AbstractBaseUser):
    """A member of staff: one role, one place; sees and acts only within that place's subtree.

    The ID number is optional for staff; it is kept so that later checks can find staff who are
    close relatives of an applicant (优亲厚友).
    """

    username = models.CharField(
        _("user name"), max_length=150, unique=True, validators=[UnicodeUsernameValidator()]
    )
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="users", verbose_name=_("place")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Set when somebody else chose the password (an administrator creating the account): its
    # owner must choose a new one before doing anything else (web.middleware, services).
    must_change_password = models.BooleanField(_("must change password"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["role", "region"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def jurisdiction_prefix(self) -> str:
        return prefix_of(self.region_id)

    @property
    def is_staff(self) -> bool:
        """Only system administrators may enter the Django admin."""
        return self.is_active and self.role == Role.SYSTEM_ADMIN

    def has_perm(self, perm: str, obj: object = None) -> bool:
        # The admin's model permissions follow the role; the admin classes narrow them further
        # (audit events read-only, every list scoped to the jurisdiction).
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


class Lockout(models.Model):
    """The current lock-out of an account, and how many log-ins were tried while it held.

    The lock itself is audited once (auth.locked_out); the attempts made against a locked
    account are only counted here, so that someone hammering a locked account cannot flood the
    audit trail. The count goes into the event that ends the lock-out (an unlock, or the next
    successful log-in). Not an audit table: it is overwritten as attempts come in.
    """

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="lockout"
    )
    locked_at = models.DateTimeField(_("locked at"))
    last_attempt_at = models.DateTimeField(_("last attempt at"))
    attempts_while_locked = models.PositiveIntegerField(_("attempts while locked"), default=0)

    class Meta:
        verbose_name = _("lock-out")
        verbose_name_plural = _("lock-outs")

    def __str__(self) -> str:
        return f"{self.user_id} locked at {self.locked_at:%Y-%m-%d %H:%M}"


class LoginSession(models.Model):
    """Which web session belongs to whom, written at log-in.

    Django's session table keeps the user only inside its encoded data, so without this an
    account's sessions could not be found to end them when it is locked or deactivated.
    """

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("log-in session")

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M}"
