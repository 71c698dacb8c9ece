"""A warning's facts in words, for its page and the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.early_warning.models import EarlyWarning, SignalKind
from doudi.money import fen_to_yuan
from doudi.registry.models import Member

PERSON_FACTS = {
    SignalKind.DEATH: gettext_lazy("%(name)s: death recorded on %(on)s"),
    SignalKind.UNEMPLOYMENT: gettext_lazy("%(name)s: registered as unemployed on %(on)s"),
    SignalKind.SEVERE_DISABILITY: gettext_lazy(
        "%(name)s: grade 1–2 disability certificate issued on %(on)s"
    ),
    SignalKind.MAIN_EARNER_ILLNESS: gettext_lazy(
        "%(name)s, the main earner: inpatient or major-illness settlement on %(on)s"
    ),
    SignalKind.STUDENT_HARDSHIP: gettext_lazy(
        "%(name)s: certified as a student of a family in financial hardship on %(on)s"
    ),
}
MAIN_EARNER_DEATH = gettext_lazy("%(name)s, the main earner: death recorded on %(on)s")


def member_names(warnings: Iterable[EarlyWarning]) -> dict[int, str]:
    ids = {w.facts["member"] for w in warnings if isinstance(w.facts.get("member"), int)}
    return dict(Member.objects.filter(pk__in=ids).values_list("pk", "name"))


def describe(warning: EarlyWarning, names: dict[int, str]) -> str:
    facts = warning.facts
    if warning.kind in PERSON_FACTS:
        words = MAIN_EARNER_DEATH if facts.get("main_earner") else PERSON_FACTS[warning.kind]
        return str(words) % {
            "name": names.get(facts.get("member"), ""),
            "on": facts.get("on", ""),
        }
    if warning.kind == SignalKind.MEDICAL_COSTS:
        return _(
            "Paid out of pocket in twelve months: %(paid)s yuan; the household's income in "
            "those months: %(income)s yuan (warning at %(share)s%%)."
        ) % {
            "paid": fen_to_yuan(facts["paid_fen"]),
            "income": fen_to_yuan(facts["income_fen"]),
            "share": facts["share_percent"],
        }
    if warning.kind == SignalKind.DISASTER:
        return _("Impact of “%(event)s” verified on %(on)s") % {
            "event": facts.get("event_name", ""),
            "on": facts.get("on", ""),
        }
    if warning.kind == SignalKind.INCOME_FALL:
        return _(
            "Income reported by the departments: %(reported)s yuan a month; on record: "
            "%(recorded)s yuan a month (warning at a fall of %(share)s%%)."
        ) % {
            "reported": fen_to_yuan(facts["reported_fen"]),
            "recorded": fen_to_yuan(facts["recorded_fen"]),
            "share": facts["share_percent"],
        }
    return "；".join(facts.get("notes", []))
