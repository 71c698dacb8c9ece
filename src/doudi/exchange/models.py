"""The open interface for exchange (DCI social-protection API standards v1.0.0): the partner
systems of other departments that may call it, their subscriptions to civil-registration
events, the deaths they notify, and the notices those deaths leave for a township."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.registry.models import Household, Member


class Scope(models.TextChoices):
    """What an agreement with a department lets its system ask or tell."""

    RECEIVES_ASSISTANCE = "receives_assistance", _("Whether a person receives assistance")
    PROGRAMMES = "programmes", _("Which programmes a person receives")
    NOTIFY_DEATHS = "notify_deaths", _("Notify registered deaths")


class EventType(models.TextChoices):
    DEATH_REGISTERED = "DEATH_REGISTERED", _("Death registered")


class PartnerSystem(models.Model):
    """A registered system of another department. Only the SHA-256 of its secret token is kept:
    the token is random (256 bits), so a fast hash suffices and can be looked up directly."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    department = models.CharField(_("department"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    active = models.BooleanField(_("active"), default=True)
    # A partner of one county or city is answered only about people living there.
    region_prefix = models.CharField(_("region prefix"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("partner system")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_authenticated(self) -> bool:
        # DRF's IsAuthenticated reads this of request.user.
        return True

    def allows(self, scope: Scope) -> bool:
        return scope.value in self.scopes


class Subscription(models.Model):
    partner = models.ForeignKey(
        PartnerSystem, on_delete=models.PROTECT, related_name="subscriptions"
    )
    code = models.CharField(max_length=36, unique=True)
    event_type = models.CharField(max_length=24, choices=EventType.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.code


class DeathNotification(models.Model):
    """One death as a partner told it; the person only as the keyed hash of the ID number."""

    partner = models.ForeignKey(
        PartnerSystem, on_delete=models.PROTECT, related_name="death_notifications"
    )
    message_id = models.CharField(max_length=100)
    reference_id = models.CharField(max_length=100)
    id_number_hash = models.CharField(max_length=64, db_index=True)
    death_date = models.DateField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at"]
        # A partner sending the same event again (a retry) is answered, not stored twice.
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "reference_id"], name="death_notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.reference_id}"


class NoticeState(models.TextChoices):
    PENDING = "pending", _("Pending confirmation by the township")


class DeathNotice(models.Model):
    """A notified death of somebody on assistance, waiting for a township to confirm it."""

    notification = models.OneToOneField(
        DeathNotification, on_delete=models.PROTECT, related_name="notice"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    # The benefits in force that month: what the township weighs stopping.
    benefits = models.ManyToManyField("benefits.Benefit", related_name="+")
    death_date = models.DateField(_("date of death"))
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("death notice")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.death_date}"
