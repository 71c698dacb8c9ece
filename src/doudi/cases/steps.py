"""Every step a user takes on a case, in one table: its service, the fields it asks for (name,
type, label, whether required) and its permission. The case pages build their forms from it and
the API its input serializers (cases/api.py), so the two faces cannot drift apart, and a
service's parameter is never read off its signature.

A field's ``name`` is the service's keyword argument and the API's field; the page may type it
under another name (an amount in yuan as ``amount`` for ``amount_fen``). Money is integer fen
in the API and yuan with two decimals on the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.cases import services
from doudi.cases.models import Case, CheckResult
from doudi.cases.procedures import (
    EDGES,
    ON_OCCASION_ACTIONS,
    PROCEDURES,
    REVIEWS,
    Action,
    CaseKind,
    CaseProgramme,
    Channel,
    ReviewOutcome,
    State,
)

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from doudi.accounts.models import User


class Kind(StrEnum):
    TEXT = "text"  # a text; the service refuses an empty one where it needs it
    LINES = "lines"  # a list of texts; one per line on the page
    DATE = "date"  # YYYY-MM-DD
    CHECK = "check"  # true or false; a checkbox on the page
    NUMBER = "number"  # a whole number
    FEN = "fen"  # money: integer fen in the API, yuan on the page
    PEOPLE = "people"  # a list of user ids; a multiple choice of staff on the page
    CHOICE = "choice"  # one of ``Field.choices``
    ID = "id"  # the id of a record (a household member)
    FACTS = "facts"  # the investigation's case facts, an object (docs/household-form.md);
    # JSON in the API, a form of its own on the page (cases/facts_form.py)
    STAGES = "stages"  # payment stages: [{due_on, amount_fen}]; lines "date yuan" on the page


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    label: Promise
    required: bool = True
    choices: type[models.TextChoices] | None = None
    form_name: str = ""  # the page's name for it, where it differs
    on_page: bool = True  # False: the API only (the page has its own way, or none yet)

    @property
    def input_name(self) -> str:
        """The name of the field in the page's form."""
        return self.form_name or self.name


@dataclass(frozen=True)
class Step:
    action: Action
    service: Callable[..., Case]
    fields: tuple[Field, ...] = ()
    # Taken by the township of the household's hukou, which does not see the case itself.
    by_hukou_place: bool = False

    @property
    def permission(self) -> Permission:
        return services.ACTION_PERMISSION[self.action]

    @property
    def label(self) -> Promise:
        return self.action.label


def _text(name: str, label: Promise, required: bool = True) -> Field:
    return Field(name, Kind.TEXT, label, required)


def _date(name: str, label: Promise, required: bool = True) -> Field:
    return Field(name, Kind.DATE, label, required)


REASON = _text("reason", _("reason"))
INVESTIGATION = (
    _date("visited_on", _("visited")),
    Field("investigator_ids", Kind.PEOPLE, _("investigators"), form_name="investigators"),
    Field("home_visit", Kind.CHECK, _("home visit (入户)")),
    Field("neighbours_heard", Kind.CHECK, _("neighbours heard"), required=False),
    _text("findings", _("findings")),
    Field(
        "facts",
        Kind.FACTS,
        _("facts the investigation established"),
        required=False,
    ),
)

# Opening a case: the household is the page's URL, or the API's ``household`` field.
SUBMISSION = (
    Field("programme", Kind.CHOICE, _("programme"), choices=CaseProgramme),
    Field("channel", Kind.CHOICE, _("channel"), choices=Channel),
    Field("kind", Kind.CHOICE, _("kind"), required=False, choices=CaseKind),
    Field("member_id", Kind.ID, _("person concerned"), required=False, form_name="member"),
    _text("proxy_name", _("applied for by"), required=False),
    _text("need", _("what the household asks for"), required=False),
    Field(
        "requested_amount_fen",
        Kind.FEN,
        _("amount asked for (yuan)"),
        required=False,
        form_name="requested_amount",
    ),
    _text(
        "hukou_region_code",
        _("hukou place, if elsewhere (division code)"),
        required=False,
    ),
    _date("authorisation_signed_on", _("authorisation for checks signed"), required=False),
    _text("relative_of_staff", _("close relative of staff or cadre"), required=False),
)

_STEPS = (
    Step(Action.SUBMIT, services.submit, SUBMISSION),
    Step(
        Action.FLAG_RELATIVE,
        services.flag_relative,
        (_text("relation", _("close relative of staff or cadre")),),
    ),
    Step(
        Action.LIST_MISSING,
        services.list_missing,
        (Field("items", Kind.LINES, _("materials, one per line")),),
    ),
    Step(
        Action.RECEIVE_MATERIALS,
        services.receive_materials,
        (
            Field("items", Kind.LINES, _("materials, one per line")),
            _date("authorisation_signed_on", _("authorisation for checks signed"), False),
        ),
    ),
    Step(Action.ACCEPT, services.accept),
    Step(
        Action.ANSWER_HUKOU_CHECK,
        services.answer_hukou_check,
        (_text("answer", _("what the hukou place found")),),
        by_hukou_place=True,
    ),
    Step(Action.INVESTIGATE, services.investigate, INVESTIGATION),
    Step(Action.REQUEST_CHECK, services.request_check),
    Step(
        Action.RECORD_CHECK,
        services.record_check,
        (
            Field("result", Kind.CHOICE, _("result"), choices=CheckResult),
            _text("findings", _("findings"), required=False),
        ),
    ),
    Step(
        Action.OBJECT_TO_CHECK,
        services.object_to_check,
        (_text("content", _("objection")), _text("evidence", _("evidence the household brings"))),
    ),
    Step(
        Action.GIVE_OPINION,
        services.give_opinion,
        (
            Field("recommends_approval", Kind.CHECK, _("recommends approval")),
            _text("text", _("opinion")),
            _date("notice_starts_on", _("notice from (empty: today)"), required=False),
        ),
    ),
    Step(
        Action.OBJECT,
        services.object_to,
        (
            _text("content", _("objection")),
            _date("received_on", _("received (empty: today)"), required=False),
        ),
    ),
    Step(Action.REINVESTIGATE, services.reinvestigate, INVESTIGATION),
    Step(
        Action.APPRAISE,
        services.appraise,
        (
            Field("participants", Kind.NUMBER, _("participants")),
            Field("in_favour", Kind.NUMBER, _("in favour")),
            _text("outcome", _("outcome")),
        ),
    ),
    Step(
        Action.SPOT_CHECK,
        services.spot_check,
        (
            Field("agrees", Kind.CHECK, _("agrees with the township")),
            _text("findings", _("findings")),
        ),
    ),
    Step(Action.EXTEND, services.extend, (REASON,)),
    Step(
        Action.PAY_FIRST,
        services.pay_first,
        (Field("amount_fen", Kind.FEN, _("amount (yuan)"), form_name="amount"), REASON),
    ),
    Step(Action.COMPLETE_PAPERS, services.complete_papers, INVESTIGATION),
    Step(
        Action.APPROVE,
        services.approve,
        (
            _text("reasons", _("reasons")),
            Field(
                "amount_fen",
                Kind.FEN,
                _("amount granted (yuan; temporary assistance)"),
                required=False,
                form_name="amount",
            ),
            Field(
                "stages",
                Kind.STAGES,
                _("payment stages: a date and an amount in yuan per line (empty: all today)"),
                required=False,
            ),
            Field(
                "case_by_case",
                Kind.CHECK,
                _("above the rules' amount, decided case by case (一事一议; county only)"),
                required=False,
            ),
        ),
    ),
    Step(Action.REFUSE, services.refuse, (_text("reasons", _("reasons")),)),
    Step(
        Action.DECIDE_REVIEW,
        services.decide_review,
        (
            Field("outcome", Kind.CHOICE, _("outcome"), choices=ReviewOutcome),
            _text("reasons", _("reasons")),
        ),
    ),
    Step(
        Action.NOTIFY,
        services.notify,
        (_date("told_on", _("household told")), _text("how", _("how the household was told"))),
    ),
    Step(Action.WITHDRAW, services.withdraw, (REASON,)),
    Step(Action.STOP_STAGES, services.stop_stages, (REASON,)),
    Step(
        Action.REFER_TO_CHARITY,
        services.refer_to_charity,
        (
            _text("organisation", _("charity organisation")),
            _text("need", _("the need that remains")),
        ),
    ),
)
STEPS: dict[Action, Step] = {step.action: step for step in _STEPS}
# The steps taken on a case that exists (opening one is its own page and endpoint).
CASE_STEPS: dict[Action, Step] = {
    action: step for action, step in STEPS.items() if action != Action.SUBMIT
}


def step_named(name: str) -> Step | None:
    """The step a URL names, if it is one a user takes on an existing case."""
    return CASE_STEPS.get(Action(name)) if name in Action.values else None


Waits = dict[tuple[CaseProgramme, State], tuple[Action, ...]]


def waiting_for(actor: User) -> Waits:
    """For each programme and state, the steps of this table a case there waits for that the
    user's role may take (not the hukou place's, not those taken on occasion): the to-do
    list's cases. Where the power to confirm sits and who investigated are the database's
    to tell (queries.awaiting). A re-check waits in states of its own where its steps differ,
    so one list per programme serves both its procedures."""
    waits: dict[tuple[CaseProgramme, State], list[Action]] = {}
    for programme, procedure in [*PROCEDURES.items(), *REVIEWS.items()]:
        for action, step in CASE_STEPS.items():
            if (
                step.by_hukou_place
                or action in ON_OCCASION_ACTIONS
                or action not in procedure.actions()
                or not has_permission(actor, step.permission)
            ):
                continue
            for state in EDGES[action][0]:
                waiting = waits.setdefault((programme, State(state)), [])
                if action not in waiting:
                    waiting.append(action)
    return {key: tuple(actions) for key, actions in waits.items()}
