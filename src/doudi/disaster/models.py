"""Disaster relief (受灾人员救助): an event with its affected places; one impact report per
registry household and event, reported by the village or township and verified by another
person of the township; winter–spring relief waves (冬春救助) with their needs-assessment lists;
and the grants that pay them (``ReliefGrant``, each a ``grants.Grant`` paid by the payroll)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from doudi.grants.models import Grant, GrantShare
from doudi.regions.models import Region
from doudi.registry.models import Household, Member

STAFF = settings.AUTH_USER_MODEL


class EventKind(models.TextChoices):
    FLOOD = "flood", _("Flood")
    DROUGHT = "drought", _("Drought")
    EARTHQUAKE = "earthquake", _("Earthquake")
    STORM = "storm", _("Wind and hail storm")
    FREEZE = "freeze", _("Cold wave and snow")
    LANDSLIDE = "landslide", _("Landslide or debris flow")
    FIRE = "fire", _("Forest or grassland fire")
    OTHER = "other", _("Other natural disaster")


class ResponseLevel(models.IntegerChoices):
    """The emergency response started (自然灾害救助应急响应 I–IV 级), or none."""

    NONE = 0, _("No emergency response")
    I = 1, _("Level I response")  # noqa: E741  (the level's own name)
    II = 2, _("Level II response")
    III = 3, _("Level III response")
    IV = 4, _("Level IV response")


class Event(models.Model):
    kind = models.CharField(_("kind of disaster"), max_length=12, choices=EventKind.choices)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    response_level = models.PositiveSmallIntegerField(
        _("emergency response"), choices=ResponseLevel.choices, default=ResponseLevel.NONE
    )
    created_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disaster event")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="event_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name


class EventPlace(models.Model):
    """A village or township the event hit (all of a township's villages, if a township)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="places")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["event_id", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "region"], name="one_place_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.region_id}"


class ReportState(models.TextChoices):
    REPORTED = "reported", _("Reported, to be verified")
    VERIFIED = "verified", _("Verified by the township")
    RETURNED = "returned", _("Returned to the reporter")


class ImpactReport(models.Model):
    """灾情核报: what the disaster did to one household."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="reports")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    # The household's village when reported: its township verifies.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    house_collapsed = models.BooleanField(_("house collapsed"), default=False)
    house_severely_damaged = models.BooleanField(_("house severely damaged"), default=False)
    no_livelihood = models.BooleanField(_("no source of livelihood"), default=False)
    injured = models.PositiveSmallIntegerField(_("members injured"), default=0)
    dead = models.PositiveSmallIntegerField(_("members dead or missing"), default=0)
    persons_affected = models.PositiveSmallIntegerField(_("persons affected"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.REPORTED
    )
    reported_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(_("reported on"))
    verified_by = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    returned_reason = models.CharField(_("reason returned"), max_length=300, blank=True)
    # The transitional aid's share, once a grant listed it: each report is paid at most once.
    transitional_share = models.OneToOneField(
        GrantShare, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("impact report")
        ordering = ["event_id", "region_id", "household_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "household"], name="one_report_per_household_per_event"
            ),
            # Two persons: who verifies did not report.
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | ~Q(verified_by=F("reported_by")),
                name="report_verified_by_another",
            ),
            models.CheckConstraint(
                condition=Q(persons_affected__gt=0), name="report_persons_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.household_id}"

    @property
    def entitles_transitional_aid(self) -> bool:
        """过渡期生活救助: house collapsed or severely damaged, or no source of livelihood."""
        return self.house_collapsed or self.house_severely_damaged or self.no_livelihood


# The same rule as a filter, for set-based selections.
TRANSITIONAL = Q(house_collapsed=True) | Q(house_severely_damaged=True) | Q(no_livelihood=True)
# What the early-warning signal counts as a serious impact.
SERIOUS = TRANSITIONAL | Q(injured__gt=0) | Q(dead__gt=0)


class Wave(models.Model):
    """One winter–spring relief season (冬春救助), e.g. the winter of 2026 and spring of 2027."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
    winter_of = models.PositiveSmallIntegerField(_("winter of"))
    # Blank: the season's own name, in the reader's language (``title``).
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("winter–spring relief wave")
        ordering = ["-winter_of", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "winter_of"], name="one_wave_per_season")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.name or str(
            _("Winter–spring relief %(first)d–%(second)d")
            % {"first": self.winter_of, "second": self.winter_of + 1}
        )


class EntrySource(models.TextChoices):
    REPORT = "report", _("From a verified impact report")
    STAFF = "staff", _("Entered by staff")


class WaveEntry(models.Model):
    """A household on a wave's needs-assessment list, with the amount assessed per person."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="entries")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    per_person_fen = models.BigIntegerField(_("assessed per person (fen)"))
    source = models.CharField(_("source"), max_length=8, choices=EntrySource.choices)
    report = models.ForeignKey(
        ImpactReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField(_("added on"))
    share = models.OneToOneField(
        GrantShare, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("needs-assessment entry")
        ordering = ["wave_id", "region_id", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "household"], name="one_entry_per_household"),
            models.CheckConstraint(condition=Q(per_person_fen__gt=0), name="entry_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id} {self.household_id}"


class WavePerson(models.Model):
    """A person assessed on a wave's list. Unique per wave: a person is listed — and so paid —
    once per wave, even if they moved between households during the season."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(WaveEntry, on_delete=models.CASCADE, related_name="persons")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["entry_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "member"], name="one_person_once_per_wave")
        ]

    def __str__(self) -> str:
        return f"{self.wave_id} {self.member_id}"


class ReliefKind(models.TextChoices):
    TRANSITIONAL = "transitional", _("Transitional living aid (过渡期生活救助)")
    WINTER_SPRING = "winter_spring", _("Winter–spring relief (冬春救助)")
    COHORT = "cohort", _("One-off grant to the recipients of the affected places")


class ReliefGrant(models.Model):
    """Which disaster relief a one-off grant pays: the grant and its shares go through the
    payroll as every grant does (docs/decisions/0022-disaster-relief-through-grants.md)."""

    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="relief")
    kind = models.CharField(_("relief"), max_length=14, choices=ReliefKind.choices)
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )

    class Meta:
        ordering = ["-grant_id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="winter_spring") & Q(wave__isnull=False) & Q(event__isnull=True))
                | (~Q(kind="winter_spring") & Q(event__isnull=False) & Q(wave__isnull=True)),
                name="relief_grant_of_an_event_or_a_wave",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.grant_id}"
