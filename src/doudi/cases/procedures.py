"""Each programme's procedure as an explicit state machine (DOMAIN.md §4).

This module is data: the states a case can be in, the actions that move it, which action is
allowed from which state, and which time limits each programme has. ``services.py`` applies it;
the guards that need the database (a notice not yet ended, an investigator confirming) live there.

The numbers of the time limits are not here: they are dated parameters with references, like the
amounts of the policy engine (``procedure.*`` in policy/engine/regional; a local example where no
national rule fixes the number), read as in force on the day a case was accepted
(``deadlines.procedure_of``). Working days unless named ``_days`` (calendar days).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseProgramme(models.TextChoices):
    MINIMUM_LIVING = "minimum_living", _("Minimum living guarantee (低保)")
    EXTREME_HARDSHIP = "extreme_hardship", _("Extreme-hardship support (特困供养)")
    DE_FACTO_UNSUPPORTED = (
        "de_facto_unsupported",
        _("De facto unsupported child (事实无人抚养儿童)"),
    )
    TEMPORARY_EMERGENCY = (
        "temporary_emergency",
        _("Temporary assistance, emergency (临时救助 急难型)"),
    )
    TEMPORARY_EXPENDITURE = (
        "temporary_expenditure",
        _("Temporary assistance, expenditure (临时救助 支出型)"),
    )


class CaseKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    CHANGE = "change", _("Change of amount")
    TERMINATION = "termination", _("Termination")
    REVIEW = "review", _("Re-check (复核)")


class Channel(models.TextChoices):
    WINDOW = "window", _("At the township window")
    ONLINE = "online", _("Online")
    PROXY = "proxy", _("By proxy (代办)")
    DISCOVERY = "discovery", _("Active discovery (主动发现)")
    BUREAU = "bureau", _("By civil affairs itself (提标)")
    SCHEDULE = "schedule", _("Periodic re-check (定期复核)")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, not yet accepted")
    ACCEPTED = "accepted", _("Accepted (受理)")
    INVESTIGATED = "investigated", _("Investigated (入户调查)")
    CHECK_REQUESTED = "check_requested", _("Data check requested (核对中)")
    CHECKED = "checked", _("Data check answered")
    ON_NOTICE = "on_notice", _("On public notice (公示)")
    OBJECTED = "objected", _("Objection raised (异议)")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation (待审核确认)")
    PAID_AWAITING_PAPERS = "paid_awaiting_papers", _("Paid first, papers to follow (先行救助)")
    REVIEW_PROPOSED = "review_proposed", _("Awaiting the county's re-check decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVIEWED = "reviewed", _("Re-check decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STATES = frozenset({State.APPROVED, State.REFUSED, State.REVIEWED, State.WITHDRAWN})
OPEN_STATES = frozenset(set(State) - CLOSED_STATES)


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    FLAG_RELATIVE = "flag_relative", _("Register separately: a relative of staff (单独登记备案)")
    LIST_MISSING = "list_missing", _("List the missing materials (一次性告知)")
    RECEIVE_MATERIALS = "receive_materials", _("Record the materials received")
    ACCEPT = "accept", _("Accept")
    INVESTIGATE = "investigate", _("Record the investigation")
    REQUEST_CHECK = "request_check", _("Request the data check")
    RECORD_CHECK = "record_check", _("Record the data-check result")
    OBJECT_TO_CHECK = "object_to_check", _("Record an objection to the check report (re-check)")
    GIVE_OPINION = "give_opinion", _("Give the township's opinion")
    OBJECT = "object", _("Record an objection")
    REINVESTIGATE = "reinvestigate", _("Record the re-investigation")
    APPRAISE = "appraise", _("Record the democratic appraisal (民主评议)")
    SPOT_CHECK = "spot_check", _("Record the county's spot check")
    EXTEND = "extend", _("Extend the time limit")
    PAY_FIRST = "pay_first", _("Pay first from the reserve fund")
    COMPLETE_PAPERS = "complete_papers", _("Complete the papers")
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")
    DECIDE_REVIEW = "decide_review", _("Decide the re-check")
    NOTIFY = "notify", _("Record that the household was told")
    WITHDRAW = "withdraw", _("Withdraw")
    ANSWER_HUKOU_CHECK = "answer_hukou_check", _("Answer as the hukou place (协助核实)")
    BULK_APPROVE = "bulk_approve", _("Approve with a standard change (提标)")
    STOP_STAGES = "stop_stages", _("Stop the stages not yet paid")
    REFER_TO_CHARITY = "refer_to_charity", _("Refer to charity assistance (慈善救助)")


# From which states each action may be taken, and where it leads (None: the state stays).
# GIVE_OPINION leads to the notice or straight to confirmation; services.py decides which.
EDGES: dict[Action, tuple[frozenset[State], State | None]] = {
    Action.SUBMIT: (frozenset(), State.SUBMITTED),
    Action.FLAG_RELATIVE: (OPEN_STATES, None),
    Action.LIST_MISSING: (frozenset({State.SUBMITTED}), None),
    Action.RECEIVE_MATERIALS: (frozenset({State.SUBMITTED}), None),
    Action.ACCEPT: (frozenset({State.SUBMITTED}), State.ACCEPTED),
    Action.INVESTIGATE: (frozenset({State.ACCEPTED}), State.INVESTIGATED),
    Action.REQUEST_CHECK: (frozenset({State.INVESTIGATED}), State.CHECK_REQUESTED),
    Action.RECORD_CHECK: (frozenset({State.CHECK_REQUESTED}), State.CHECKED),
    # The household disputes the report the county concluded on: checked again (复核).
    Action.OBJECT_TO_CHECK: (frozenset({State.CHECKED}), State.CHECK_REQUESTED),
    Action.GIVE_OPINION: (frozenset({State.CHECKED}), None),
    Action.OBJECT: (frozenset({State.ON_NOTICE}), State.OBJECTED),
    Action.REINVESTIGATE: (frozenset({State.OBJECTED}), State.CHECKED),
    Action.APPRAISE: (frozenset({State.OBJECTED}), State.CHECKED),
    Action.SPOT_CHECK: (frozenset({State.ON_NOTICE, State.AWAITING_CONFIRMATION}), None),
    Action.EXTEND: (OPEN_STATES - {State.SUBMITTED}, None),
    Action.PAY_FIRST: (frozenset({State.ACCEPTED}), State.PAID_AWAITING_PAPERS),
    Action.COMPLETE_PAPERS: (frozenset({State.PAID_AWAITING_PAPERS}), State.AWAITING_CONFIRMATION),
    Action.APPROVE: (frozenset({State.ON_NOTICE, State.AWAITING_CONFIRMATION}), State.APPROVED),
    Action.REFUSE: (frozenset({State.ON_NOTICE, State.AWAITING_CONFIRMATION}), State.REFUSED),
    # A re-check waits in a state of its own, so that no approval or refusal is offered on it.
    Action.DECIDE_REVIEW: (frozenset({State.REVIEW_PROPOSED}), State.REVIEWED),
    Action.NOTIFY: (frozenset({State.APPROVED, State.REFUSED, State.REVIEWED}), None),
    Action.WITHDRAW: (OPEN_STATES, State.WITHDRAWN),
    Action.ANSWER_HUKOU_CHECK: (OPEN_STATES, None),
    Action.BULK_APPROVE: (frozenset({State.SUBMITTED}), State.APPROVED),
    # 一次审批、分阶段救助: a stop cancels the stages no payroll has taken yet; the case stays
    # approved, what was paid stays paid.
    Action.STOP_STAGES: (frozenset({State.APPROVED}), None),
    # The assistance has ended (granted or refused) and the need remains: 慈善救助.
    Action.REFER_TO_CHARITY: (frozenset({State.APPROVED, State.REFUSED}), None),
}
# Taken by another township (the hukou place), not by the one handling the case.
OTHER_PLACE_ACTIONS = frozenset({Action.ANSWER_HUKOU_CHECK})
# Taken when something happens — materials arrive, the household objects, a relative is found,
# more time is needed, the application is withdrawn — never a step a case waits for: they are
# offered on the case's page, not put on anyone's to-do list.
ON_OCCASION_ACTIONS = frozenset(
    {
        Action.FLAG_RELATIVE,
        Action.LIST_MISSING,
        Action.RECEIVE_MATERIALS,
        Action.OBJECT_TO_CHECK,
        Action.OBJECT,
        Action.EXTEND,
        Action.WITHDRAW,
        Action.STOP_STAGES,
        Action.REFER_TO_CHARITY,
    }
)
# Taken only by a bulk procedure (below) over many cases at once, never on one case's page.
BULK_ACTIONS = frozenset({Action.BULK_APPROVE})


# The time limits a procedure may have. Their numbers are dated parameters of the rules
# (``procedure.<limits>.<name>`` in policy/engine/regional, with references; a bureau may set its
# own where the law lets it), read as in force on the case's acceptance day by
# ``deadlines.procedure_of``. A procedure without such a parameter has no such limit.
LIMIT_NAMES = (
    "investigation_limit",  # from acceptance
    "data_check_limit",  # from the request
    "confirmation_limit",  # from the end of the notice, or the opinion where there is none
    "total_limit",  # from acceptance to decision
    "delegated_total_limit",  # the same where the township confirms
    "extended_total_limit",  # the same once extended
    "papers_limit",  # after paying first
    "notice_days",  # calendar days
    "refusal_notice_limit",  # from the decision
    "hukou_check_limit",  # for the hukou place to answer (居住地申办); one for every procedure
)
SHARED_LIMITS = frozenset({"hukou_check_limit"})  # ``procedure.<name>``, not per procedure


@dataclass(frozen=True)
class Procedure:
    """What one programme's procedure contains; its time limits in working days (notice in
    calendar days) are filled in as in force on the acceptance day (None: no such limit)."""

    data_check: bool
    public_notice: bool
    spot_check_share: float  # the least share of cases the county spot-checks before confirming
    pay_first: bool
    limits: str  # the parameters ``procedure.<limits>.<limit name>``
    extendable: bool = False
    review: bool = False  # a re-check of what the household receives, decided by the county
    staged: bool = False  # one approval paid in stages through the payroll (may be stopped)
    charity_referral: bool = False  # referred to charity assistance when it ends
    investigation_limit: int | None = None
    data_check_limit: int | None = None
    confirmation_limit: int | None = None
    total_limit: int | None = None
    delegated_total_limit: int | None = None
    extended_total_limit: int | None = None
    papers_limit: int | None = None
    notice_days: int | None = None
    refusal_notice_limit: int | None = None
    hukou_check_limit: int | None = None

    def actions(self) -> frozenset[Action]:
        """The steps the handling township and its county take in this procedure."""
        left_out = set(OTHER_PLACE_ACTIONS | BULK_ACTIONS)
        if not self.data_check:
            left_out |= {Action.REQUEST_CHECK, Action.RECORD_CHECK, Action.OBJECT_TO_CHECK}
        if not self.public_notice:
            left_out |= {Action.OBJECT, Action.REINVESTIGATE, Action.APPRAISE}
        if not self.spot_check_share:
            left_out.add(Action.SPOT_CHECK)
        if not self.pay_first:
            left_out |= {Action.PAY_FIRST, Action.COMPLETE_PAPERS}
        else:
            # Paid first, investigated when the papers are completed, then confirmed without
            # an opinion: an investigation from "accepted" would lead nowhere.
            left_out |= {Action.INVESTIGATE, Action.GIVE_OPINION}
        if not self.extendable:
            left_out.add(Action.EXTEND)
        if not self.staged:
            left_out.add(Action.STOP_STAGES)
        if not self.charity_referral:
            left_out.add(Action.REFER_TO_CHARITY)
        if self.review:
            left_out |= {Action.APPROVE, Action.REFUSE}
        else:
            left_out.add(Action.DECIDE_REVIEW)
        return frozenset(set(Action) - left_out)


# 低保: 最低生活保障审核确认办法 (2021) Arts 15–22.
MINIMUM_LIVING = Procedure(
    data_check=True,
    public_notice=True,
    spot_check_share=0.0,
    pay_first=False,
    limits="minimum_living",
    extendable=True,
)

PROCEDURES: dict[CaseProgramme, Procedure] = {
    CaseProgramme.MINIMUM_LIVING: MINIMUM_LIVING,
    # 特困人员认定办法 (2021): the county spot-checks at least 30 % and confirms.
    CaseProgramme.EXTREME_HARDSHIP: Procedure(
        data_check=True,
        public_notice=True,
        spot_check_share=0.3,
        pay_first=False,
        limits="extreme_hardship",
    ),
    # 事实无人抚养儿童: data check and confirmation, no public notice (privacy).
    CaseProgramme.DE_FACTO_UNSUPPORTED: Procedure(
        data_check=True,
        public_notice=False,
        spot_check_share=0.0,
        pay_first=False,
        limits="de_facto_unsupported",
    ),
    # 急难型: paid first, no check, appraisal or notice; the papers follow.
    CaseProgramme.TEMPORARY_EMERGENCY: Procedure(
        data_check=False,
        public_notice=False,
        spot_check_share=0.0,
        pay_first=True,
        limits="temporary_emergency",
        charity_referral=True,
    ),
    # 支出型: the full procedure, with time limits like those of 低保 (local examples).
    CaseProgramme.TEMPORARY_EXPENDITURE: Procedure(
        data_check=True,
        public_notice=True,
        spot_check_share=0.0,
        pay_first=False,
        limits="temporary_expenditure",
        extendable=True,
        staged=True,
        charity_referral=True,
    ),
}


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", _("Keep the amount")
    INCREASE = "increase", _("Increase the amount")
    REDUCE = "reduce", _("Reduce the amount")
    STOP = "stop", _("Stop the benefit")


# 复核: 最低生活保障审核确认办法 (民政部, 民发〔2021〕57号, 2021-06-11) — the township checks the
# household's situation periodically and the county raises, lowers or stops the amount (增发、
# 减发、停发); 特困人员认定办法 (民发〔2021〕43号) likewise for 特困. Investigation and a check
# through the platform as for an application, then the township's opinion and the county's
# decision; no public notice, as for changes. The time limits are the programme's own; how often
# a household is re-checked is ``procedure.review.*`` (rechecks/schedule.py).
REVIEWS: dict[CaseProgramme, Procedure] = {
    programme: Procedure(
        data_check=True,
        public_notice=False,
        spot_check_share=0.0,
        pay_first=False,
        limits=PROCEDURES[programme].limits,
        extendable=PROCEDURES[programme].extendable,
        review=True,
    )
    for programme in (CaseProgramme.MINIMUM_LIVING, CaseProgramme.EXTREME_HARDSHIP)
}


@dataclass(frozen=True)
class BulkProcedure:
    """A change civil affairs itself makes for many households at once: each household gets a
    case of ``kind`` opened through ``channel``, taken through ``steps`` in order (each an edge
    of EDGES), with its decision — one audit event for the whole batch (``cases/bulk.py``)."""

    programmes: frozenset[CaseProgramme]
    kind: CaseKind
    channel: Channel
    steps: tuple[Action, ...]


# 提标: when the standard is raised, every recipient whose amount the new standard raises gets a
# change decision from the standard's first month. Civil affairs opens the change itself (it is
# no household's application) and the city that set the standard approves it for all at once,
# after seeing the preview: there is no investigation or notice, as nothing about the household
# is newly found (DOMAIN.md: a standard change recomputes every affected benefit).
STANDARD_CHANGE = BulkProcedure(
    programmes=frozenset({CaseProgramme.MINIMUM_LIVING}),
    kind=CaseKind.CHANGE,
    channel=Channel.BUREAU,
    steps=(Action.SUBMIT, Action.BULK_APPROVE),
)

# 定期复核: the households due are given a re-check case each, opened by civil affairs on its
# schedule; the township then takes it through the re-check's procedure (REVIEWS) one by one.
RECHECK_START = BulkProcedure(
    programmes=frozenset(REVIEWS),
    kind=CaseKind.REVIEW,
    channel=Channel.SCHEDULE,
    steps=(Action.SUBMIT,),
)

# Termination of 特困 is noticed like an approval; other changes and stops are not.
NOTICED_TERMINATIONS = frozenset({CaseProgramme.EXTREME_HARDSHIP})
# The policy engine's programme that each case programme's decision is checked against.
ENGINE_PROGRAMME = {
    CaseProgramme.MINIMUM_LIVING: "minimum_living",
    CaseProgramme.EXTREME_HARDSHIP: "extreme_hardship",
    CaseProgramme.DE_FACTO_UNSUPPORTED: "de_facto_unsupported",
    CaseProgramme.TEMPORARY_EMERGENCY: "temporary_assistance",
    CaseProgramme.TEMPORARY_EXPENDITURE: "temporary_assistance",
}
TEMPORARY = frozenset({CaseProgramme.TEMPORARY_EMERGENCY, CaseProgramme.TEMPORARY_EXPENDITURE})
