"""The Django admin: for system administrators only, read-only, scoped to their jurisdiction.

Changes go through the pages and the API, whose services write the audit trail; the admin
would bypass them, so it only shows.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import has_permission, scope
from doudi.accounts.models import User
from doudi.accounts.roles import Permission
from doudi.audit import queries as audit_queries
from doudi.audit.models import AuditEvent
from doudi.regions.models import Region


class DoudiAdminSite(admin.AdminSite):
    site_header = _("Doudi administration (read-only)")
    site_title = _("Doudi administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return has_permission(request.user, Permission.MANAGE_USERS)


admin_site = DoudiAdminSite(name="admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    scope_permission: Permission
    region_field = "region_code"

    def get_queryset(self, request: HttpRequest):
        return scope(
            request.user, super().get_queryset(request), self.scope_permission, self.region_field
        )

    # Only what the role may read (the audit trail is the audit administrator's, 三员分立).
    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return has_permission(request.user, self.scope_permission)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_permission(request.user, self.scope_permission)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Region, site=admin_site)
class RegionAdmin(ReadOnlyAdmin):
    scope_permission = Permission.VIEW_REGIONS
    region_field = "code"
    list_display = ["code", "name", "level", "classification"]
    list_filter = ["level", "classification"]
    search_fields = ["code", "name"]


@admin.register(User, site=admin_site)
class UserAdmin(ReadOnlyAdmin):
    scope_permission = Permission.VIEW_USERS
    region_field = "region__code"
    list_display = ["username", "full_name", "role", "region", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    exclude = ["password", "id_number_ciphertext", "id_number_hash"]


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(ReadOnlyAdmin):
    scope_permission = Permission.VIEW_AUDIT
    list_display = [
        "seq",
        "occurred_at",
        "actor_username",
        "action_name",
        "channel",
        "object_type",
        "object_id",
        "region_code",
    ]
    list_filter = ["action", "channel", "object_type"]
    search_fields = ["object_id", "actor_username"]

    def get_queryset(self, request: HttpRequest):
        # Filed under several places (the actor's and the objects'): audit.queries decides.
        return audit_queries.in_scope(request.user, admin.ModelAdmin.get_queryset(self, request))

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, event: AuditEvent) -> str:
        return event.action_label


@admin.register(AccessAttempt, site=admin_site)
class AccessAttemptAdmin(admin.ModelAdmin):
    """Failed log-ins (django-axes). Unlocking is done on the account page, where it is audited."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]

    def get_queryset(self, request: HttpRequest):
        visible = scope(request.user, User.objects.all(), Permission.VIEW_USERS, "region__code")
        names = visible.values("username")
        return super().get_queryset(request).filter(username__in=names)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
