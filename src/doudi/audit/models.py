from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.audit.actions import action_label, object_label
from doudi.audit.channels import channel_label

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event through the application."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One state change: who, when, where, what, before, after, why, and by which door (审计日志).

    ``hash`` is the event's seal: an HMAC, keyed by a secret kept outside the database, over
    every other column, the places it is filed under and the previous event's seal, so editing,
    removing, reordering or forging any event breaks the chain from that point on, and nobody
    without the key can re-seal it (``doudi audit verify``, audit/chain.py).
    ``region_code`` is the place of the object; ``places`` (AuditEventPlace) every place the
    event is filed under — the object's places and the actor's — which is what auditors' reads
    are scoped by.
    The actor is a snapshot (name, role, place at the time), not a foreign key, so the event
    stays readable and verifiable whatever later happens to the account.
    """

    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    occurred_at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("actor id"), null=True)
    actor_username = models.CharField(_("actor"), max_length=150)
    actor_role = models.CharField(_("actor role"), max_length=30, blank=True)
    actor_region_code = models.CharField(_("actor place"), max_length=12, blank=True)
    region_code = models.CharField(_("place"), max_length=12, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object"), max_length=64)
    action = models.CharField(_("action"), max_length=60)  # an audit.actions.AuditAction code
    # web, api, cli or system (audit.channels.Channel); empty for events written before it existed
    channel = models.CharField(_("channel of the action"), max_length=10, blank=True, default="")
    before = models.JSONField(_("before"), null=True)
    after = models.JSONField(_("after"), null=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # A user's own recent events of one kind (registry.clashes counts its look-ups).
            models.Index(
                fields=["actor_id", "action", "occurred_at"], name="audit_actor_action_time"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    @property
    def place_codes(self) -> list[str]:
        """Every place the event is filed under (prefetch ``places`` when listing many)."""
        return sorted(place.region_code for place in self.places.all())

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def object_label(self) -> str:
        return object_label(self.object_type)

    @property
    def channel_label(self) -> str:
        return channel_label(self.channel)

    @property
    def actor_role_label(self) -> str:
        from doudi.accounts.roles import Role

        if self.actor_role not in Role.values:  # the system, or a role since retired
            return self.actor_role or "—"
        return str(Role(self.actor_role).label)


class AuditEventPlace(models.Model):
    """One place an event is filed under. An event touches the place of its actor and of each
    of its objects; an auditor of any of those places must find it (audit/queries.py).
    Append-only like the events, and part of each event's seal."""

    event = models.ForeignKey(AuditEvent, models.PROTECT, related_name="places")
    region_code = models.CharField(_("place"), max_length=12, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("place of an audit event")
        verbose_name_plural = _("places of audit events")
        constraints = [
            models.UniqueConstraint(fields=["event", "region_code"], name="audit_place_once")
        ]

    def __str__(self) -> str:
        return f"#{self.event_id} @ {self.region_code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """The last event's sequence number and seal: the lock appenders queue on. It lives in the
    database, so whoever can rewrite the database can move it too; the signed anchors outside
    the database (audit/anchors.py) are what prove where the chain ended."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
