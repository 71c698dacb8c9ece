"""The one vocabulary of audit actions: every event's ``action`` is one of these codes.

The code (``case.accept``) is what is stored, hashed and sent over the API; the label is what a
reader sees on the audit pages. ``audit.services.record`` refuses any other code, so an action
cannot be named two ways, and a misspelt one fails the first test that reaches it.

The codes are kept as they were before the vocabulary existed, so events already written (and
their hashes) stay valid. The model field carries no ``choices``: adding an action is a change
to this file only, not a migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # Accounts and log-ins
    AUTH_LOGIN = "auth.login", _("Logged in")
    AUTH_LOGOUT = "auth.logout", _("Logged out")
    AUTH_LOCKED_OUT = "auth.locked_out", _("Account locked after failed log-ins")
    USER_BOOTSTRAP_ADMIN = "user.bootstrap_admin", _("First administrator of a role created")
    USER_CREATE = "user.create", _("Account created")
    USER_ACTIVATE = "user.activate", _("Account activated")
    USER_DEACTIVATE = "user.deactivate", _("Account deactivated")
    USER_UNLOCK = "user.unlock", _("Account unlocked")
    USER_SET_ROLE = "user.set_role", _("Role changed")
    USER_PASSWORD_CHANGE = "user.password_change", _("Password changed by its owner")

    # Places and the calendar
    REGIONS_IMPORT = "regions.import", _("Division code list imported")
    REGION_UPDATE = "region.update", _("Place changed")
    REGION_CONFIRMS_CASES = "region.confirms_cases", _("Confirmation delegated to the township")
    WORKDAYS_SET_DAY = "workdays.set_day", _("Working-day calendar changed")

    # The household registry
    HOUSEHOLD_CREATE = "household.create", _("Household registered")
    HOUSEHOLD_UPDATE = "household.update", _("Household changed")
    HOUSEHOLD_IMPORT = "household.import", _("Households imported")
    JOB_QUEUED = "job.queued", _("File handed over for processing in the background")
    JOB_RETRIED = "job.retried", _("Background job tried again")
    HOUSEHOLD_EXPORT = "household.export", _("Households exported")
    # A household version only: the investigation step's own event is the audited one.
    HOUSEHOLD_INVESTIGATION_FACTS = (
        "household.investigation_facts",
        _("Facts established by the investigation recorded"),
    )
    HOUSEHOLD_REVEAL_ID_NUMBER = "household.reveal_id_number", _("Full ID number viewed")
    HOUSEHOLD_MEMBER_ADD = "household.member_add", _("Member added")
    HOUSEHOLD_MEMBER_UPDATE = "household.member_update", _("Member changed")
    HOUSEHOLD_MEMBER_DEATH = "household.member_death", _("Member left: death")
    HOUSEHOLD_MEMBER_MOVED_OUT = "household.member_moved_out", _("Member left: moved out")
    HOUSEHOLD_MEMBER_SPLIT = "household.member_split", _("Member left: household split")
    HOUSEHOLD_MEMBER_MARRIED_OUT = "household.member_married_out", _("Member left: married out")
    HOUSEHOLD_MEMBER_CORRECTION = (
        "household.member_correction",
        _("Member removed: entered by mistake"),
    )
    HOUSEHOLD_INCOME_ADD = "household.income_add", _("Income recorded")
    HOUSEHOLD_INCOME_REMOVE = "household.income_remove", _("Income removed")
    HOUSEHOLD_EXPENSE_ADD = "household.expense_add", _("Rigid spending recorded")
    HOUSEHOLD_EXPENSE_REMOVE = "household.expense_remove", _("Rigid spending removed")
    HOUSEHOLD_ASSET_ADD = "household.asset_add", _("Asset recorded")
    HOUSEHOLD_ASSET_REMOVE = "household.asset_remove", _("Asset removed")
    HOUSEHOLD_ATTACHMENT_ADD = "household.attachment_add", _("Document attached")
    # Refused look-ups by ID number (registry.clashes): nothing changed, but who asked is kept.
    HOUSEHOLD_OUTSIDE_MEMBER_REFUSED = (
        "household.outside_member_refused",
        _("Refused: the person belongs to a household outside the jurisdiction"),
    )
    HOUSEHOLD_LOOKUPS_LIMITED = (
        "household.lookups_limited",
        _("Refused: too many look-ups of people outside the jurisdiction"),
    )

    # Rules and standards
    POLICY_EVALUATE_ALL = "policy.evaluate_all", _("Whole-place evaluation run")
    POLICY_VALUE_PROPOSE = "policy.value_propose", _("Regional standard proposed")
    POLICY_VALUE_ADOPT = "policy.value_adopt", _("Regional standard adopted")
    POLICY_VALUE_WITHDRAW = "policy.value_withdraw", _("Regional standard withdrawn")
    POLICY_WHAT_IF_STARTED = "policy.what_if_started", _("What-if of a proposal started")
    POLICY_WHAT_IF_RUN = "policy.what_if_run", _("What-if of a proposal computed")
    POLICY_EVALUATION_STARTED = (
        "policy.evaluation_started",
        _("Whole-place evaluation started in the background"),
    )

    # Case handling: one per step of the procedures (cases.procedures.Action)
    CASE_SUBMIT = "case.submit", _("Case: application submitted")
    CASE_FLAG_RELATIVE = "case.flag_relative", _("Case: registered as a relative of staff")
    CASE_LIST_MISSING = "case.list_missing", _("Case: missing materials listed")
    CASE_RECEIVE_MATERIALS = "case.receive_materials", _("Case: materials received")
    CASE_ACCEPT = "case.accept", _("Case: accepted")
    CASE_INVESTIGATE = "case.investigate", _("Case: investigation recorded")
    CASE_REQUEST_CHECK = "case.request_check", _("Case: data check requested")
    CASE_RECORD_CHECK = "case.record_check", _("Case: data-check result recorded")
    # The code follows the step's name (cases.services derives it from the action).
    CHECK_OBJECTED = (
        "case.object_to_check",
        _("Case: objection to the check report, re-check opened"),
    )
    CASE_GIVE_OPINION = "case.give_opinion", _("Case: township opinion given")
    CASE_OBJECT = "case.object", _("Case: objection recorded")
    CASE_REINVESTIGATE = "case.reinvestigate", _("Case: re-investigation recorded")
    CASE_APPRAISE = "case.appraise", _("Case: democratic appraisal recorded")
    CASE_SPOT_CHECK = "case.spot_check", _("Case: county spot check recorded")
    CASE_EXTEND = "case.extend", _("Case: time limit extended")
    CASE_PAY_FIRST = "case.pay_first", _("Case: paid first from the reserve fund")
    CASE_COMPLETE_PAPERS = "case.complete_papers", _("Case: papers completed")
    CASE_APPROVE = "case.approve", _("Case: approved")
    CASE_REFUSE = "case.refuse", _("Case: refused")
    CASE_DECIDE_REVIEW = "case.decide_review", _("Case: re-check decided")
    RECHECK_START = "recheck.start", _("Re-checks started for the households due")
    CASE_NOTIFY = "case.notify", _("Case: household told of the decision")
    CASE_WITHDRAW = "case.withdraw", _("Case: withdrawn")
    CASE_ANSWER_HUKOU_CHECK = "case.answer_hukou_check", _("Case: hukou place answered")
    CASE_STOP_STAGES = "case.stop_stages", _("Case: stages not yet paid stopped")
    CASE_REFER_TO_CHARITY = "case.refer_to_charity", _("Case: referred to charity assistance")

    # The one window
    WINDOW_INTAKE = "window.intake", _("One window: request received")
    WINDOW_REFERRAL_ANSWERED = "window.referral_answered", _("One window: referral answered")

    # Benefits, payrolls, grants, the reserve fund
    # Kept to label the events of databases that applied a standard change before it became a
    # bulk action of the cases app.
    BENEFITS_STANDARD_CHANGE = "benefits.standard_change", _("Standard change applied")
    STANDARD_CHANGE_PROPOSE = "standard_change.propose", _("Standard change proposed")
    STANDARD_CHANGE_PREVIEW_STARTED = (
        "standard_change.preview_started",
        _("Standard change preview started in the background"),
    )
    STANDARD_CHANGE_APPROVE = (
        "standard_change.approve",
        _("Standard change approved and applied to every household it raises"),
    )
    PAYROLL_GENERATE = "payroll.generate", _("Payroll generated")
    PAYROLL_SUBMIT = "payroll.submit", _("Payroll submitted")
    PAYROLL_APPROVE = "payroll.approve", _("Payroll approved")
    PAYROLL_RETURN = "payroll.return", _("Payroll returned to civil affairs")
    PAYROLL_SEND = "payroll.send", _("Bank file sent")
    PAYROLL_RESEND = "payroll.resend", _("Bank file sent again")
    PAYROLL_RECONCILE = "payroll.reconcile", _("Bank result reconciled")
    PAYROLL_SET_BUDGET = "payroll.set_budget", _("Budget set")
    GRANT_DEFINE = "grant.define", _("One-off grant defined")
    GRANT_APPROVE = "grant.approve", _("One-off grant approved")
    # Disaster relief (受灾人员救助)
    DISASTER_EVENT_CREATE = "disaster.event_create", _("Disaster event recorded")
    DISASTER_REPORT = "disaster.report", _("Disaster impact reported")
    DISASTER_VERIFY = "disaster.verify", _("Disaster impact report verified")
    DISASTER_RETURN = "disaster.return", _("Disaster impact report returned")
    DISASTER_WAVE_CREATE = "disaster.wave_create", _("Winter–spring relief wave opened")
    DISASTER_ASSESS = "disaster.assess", _("Winter–spring needs assessed")
    DISASTER_UNLIST = "disaster.unlist", _("Winter–spring assessment entry removed")
    RESERVE_FUND_ALLOCATION = "reserve_fund.allocation", _("Reserve fund: allocation")
    RESERVE_FUND_PAYMENT = "reserve_fund.payment", _("Reserve fund: emergency payment")
    RESERVE_FUND_REPLENISHMENT = "reserve_fund.replenishment", _("Reserve fund: replenished")
    RESERVE_FUND_RETURN = "reserve_fund.return", _("Reserve fund: returned to the county")
    RESERVE_FUND_REQUEST = (
        "reserve_fund.replenishment_requested",
        _("Reserve fund: replenishment requested"),
    )
    RESERVE_FUND_REQUEST_APPROVED = (
        "reserve_fund.replenishment_approved",
        _("Reserve fund: replenishment request approved and paid in"),
    )
    RESERVE_FUND_REQUEST_REFUSED = (
        "reserve_fund.replenishment_refused",
        _("Reserve fund: replenishment request refused"),
    )

    # Supervision (监督检查)
    SUPERVISION_PLAN_CREATE = "supervision.plan_create", _("Inspection plan made")
    SUPERVISION_SAMPLE_DRAW = "supervision.sample_draw", _("Spot-check sample drawn")
    SUPERVISION_ITEM_CHECK = "supervision.item_check", _("Sampled item checked")
    SUPERVISION_FINDING_RAISE = "supervision.finding_raise", _("Supervision finding raised")
    SUPERVISION_RECTIFICATION_ADD = "supervision.rectification_add", _("Rectification task set")
    SUPERVISION_RECTIFICATION_DONE = (
        "supervision.rectification_done",
        _("Rectification reported done"),
    )
    SUPERVISION_RELATIVE_DECLARE = "supervision.relative_declare", _("Close relative declared")
    SUPERVISION_RELATIVE_END = "supervision.relative_end", _("Close relative's entry ended")
    SUPERVISION_REFERRAL_DECLINE = (
        "supervision.referral_decline",
        _("Hotline referral declined: nothing to find"),
    )

    # Departments' data for the check platform
    SOURCE_DELIVERED = "source.delivered", _("Department data delivered")
    # The open interface for exchange (DCI)
    PARTNER_REGISTERED = "partner.registered", _("Partner system registered")
    PARTNER_SEARCH = "partner.search", _("Partner system: registry searched")
    PARTNER_SUBSCRIBE = "partner.subscribe", _("Partner system: subscribed to events")
    PARTNER_UNSUBSCRIBE = "partner.unsubscribe", _("Partner system: subscription ended")
    PARTNER_NOTIFY = "partner.notify", _("Partner system: death notified")
    # Campaigns (专项治理)
    CAMPAIGN_STARTED = "campaign.started", _("Campaign started")
    CAMPAIGN_RUN = "campaign.run", _("Campaign run: findings routed to the townships")
    CAMPAIGN_FINDING_CLOSED = "campaign.finding_closed", _("Campaign finding closed")
    # Matching people without a valid ID number
    LINKAGE_DECIDED = "linkage.decided", _("Record-to-member pair decided")

    # The monitored low-income population (低收入人口库)
    MONITORING_REFRESHED = "monitoring.refreshed", _("Monitored population brought up to date")
    MONITORING_REPORTED = "monitoring.reported", _("Household reported as at risk")
    MONITORING_REMOVED = "monitoring.removed", _("Reported household taken off the watch")
    WARNINGS_RUN = "warnings.run", _("Daily warning run over the monitored population")
    WARNING_RAISED_FROM_VISIT = "warnings.raised_from_visit", _("Warning raised from a visit")
    WARNING_SENT_TO_COUNTY = "warnings.sent_to_county", _("Warning sent to the county (一事一议)")
    WARNING_HANDLED = "warnings.handled", _("Warning handled and closed")
    VISIT_RECORDED = "visits.recorded", _("Home visit recorded")

    # Public notices (公示, doudi.notices)
    NOTICE_LINK_ISSUED = "notices.link_issued", _("Public notice link of a village issued")
    NOTICE_OBJECTION_LODGED = "notices.objection_lodged", _("Objection lodged from a public notice")
    NOTICE_OBJECTION_RECORDED = (
        "notices.objection_recorded",
        _("Public objection recorded on its case"),
    )
    NOTICE_OBJECTION_ANSWERED = "notices.objection_answered", _("Public objection answered")

    # The service hotline (社会救助服务热线, doudi.hotline)
    HOTLINE_TICKET_RECEIVED = "hotline.ticket_received", _("Hotline ticket received")
    HOTLINE_TICKET_LODGED = (
        "hotline.ticket_lodged",
        _("Enquiry or complaint lodged from a public notice"),
    )
    HOTLINE_TICKET_REASSIGNED = (
        "hotline.ticket_reassigned",
        _("Hotline ticket given to another township"),
    )
    HOTLINE_HOUSEHOLD_LINKED = "hotline.household_linked", _("Household named on a hotline ticket")
    HOTLINE_CASE_OPENED = "hotline.case_opened", _("Case opened from a hotline ticket")
    HOTLINE_WARNING_RAISED = "hotline.warning_raised", _("Warning raised from a hotline ticket")
    HOTLINE_SUPERVISION_REFERRED = (
        "hotline.supervision_referred",
        _("Hotline ticket referred to supervision"),
    )
    HOTLINE_TICKET_CLOSED = "hotline.ticket_closed", _("Hotline ticket answered and closed")
    HOTLINE_DUTY_SCHEDULED = "hotline.duty_scheduled", _("Hotline duty scheduled")
    HOTLINE_DUTY_REMOVED = "hotline.duty_removed", _("Hotline duty taken off the roster")
    HOTLINE_ESCALATION_RUN = (
        "hotline.escalation_run",
        _("Overdue hotline tickets escalated to the county"),
    )

    # Medical assistance (医疗救助, doudi.medical)
    MEDICAL_CLAIM_RECORD = "medical.claim_record", _("Medical-assistance claim recorded")
    MEDICAL_CLAIMS_IMPORT = "medical.claims_import", _("Settlement file of medical claims imported")
    MEDICAL_CLAIM_APPROVE = "medical.claim_approve", _("Medical-assistance claim approved")
    MEDICAL_CLAIM_REJECT = "medical.claim_reject", _("Medical-assistance claim rejected")
    MEDICAL_HOSPITAL_SETTLE = (
        "medical.hospital_settle",
        _("One-stop settlements listed as owed to a hospital"),
    )
    MEDICAL_PREMIUM_LIST = "medical.premium_list", _("Premium-subsidy list of a year made")
    MEDICAL_PREMIUM_FILE = (
        "medical.premium_file",
        _("Premium-subsidy file for the medical-insurance bureau downloaded"),
    )
    # Statistics (统计, doudi.statistics)
    STATISTICS_REFRESHED = "statistics.refreshed", _("Statistics of a place computed anew")

    # Demo data
    DEMO_GENERATE = "demo.generate", _("Synthetic population generated")

    # Operations
    SYSTEM_BACKUP = "system.backup", _("Backup taken")
    SYSTEM_RESTORE = "system.restore", _("Restored from a backup")


class UnknownAuditAction(ValueError):
    """A programming error: an action outside the vocabulary. Never shown to a user."""


def audit_action(code: str) -> AuditAction:
    """The vocabulary entry for ``code``; raises UnknownAuditAction for any other string."""
    try:
        return AuditAction(code)
    except ValueError:
        raise UnknownAuditAction(
            f"“{code}” is not an audit action; add it to doudi.audit.actions.AuditAction"
        ) from None


def action_label(code: str) -> str:
    """What a reader sees for a stored code; an unknown one (never written by this code) as is."""
    try:
        return str(AuditAction(code).label)
    except ValueError:
        return code


# What kind of record an event is about, as a reader names it (the stored ``object_type``).
OBJECT_LABELS = {
    "backup": _("backup"),
    "budget": _("budget"),
    "calendar_day": _("working-day calendar"),
    "campaign": _("check campaign"),
    "case": _("case"),
    "check_report": _("check report"),
    "delivery": _("department data delivery"),
    "disaster_event": _("disaster event"),
    "evaluation_run": _("evaluation"),
    "finding": _("finding"),
    "grant": _("grant"),
    "home_visit": _("home visit"),
    "hotline_run": _("hotline escalation run"),
    "hotline_shift": _("hotline duty shift"),
    "hotline_ticket": _("hotline ticket"),
    "hospital_settlement": _("hospital settlement"),
    "household": _("household"),
    "household_import": _("household import"),
    "household_list": _("household list"),
    "id_number_lookup": _("ID number look-up"),
    "impact_report": _("impact report"),
    "inspection_plan": _("inspection plan"),
    "intake": _("window intake"),
    "job": _("background task"),
    "linkage.reviewpair": _("pair of records to review"),
    "medical_claim": _("medical claim"),
    "monitored_entry": _("monitored household"),
    "monitored_population": _("monitored population"),
    "need": _("need"),
    "notice_board": _("public notice link"),
    "payroll": _("payroll"),
    "place_evaluation": _("whole-place evaluation"),
    "public_objection": _("objection from the public notice"),
    "rectification": _("rectification task"),
    "relative_declaration": _("close relative declaration"),
    "sampled_item": _("sampled item"),
    "spot_check_sample": _("spot-check sample"),
    "supervision_finding": _("supervision finding"),
    "population": _("population"),
    "premium_list": _("premium-subsidy list"),
    "region": _("place"),
    "region_list": _("place list"),
    "regional_value": _("standard value"),
    "replenishment_request": _("replenishment request"),
    "reserve_fund": _("reserve fund"),
    "standard_change": _("standard change"),
    "standard_change_preview": _("preview of a standard change"),
    "user": _("account"),
    "warning": _("warning"),
    "warning_run": _("daily warning run"),
    "what_if": _("what-if of a proposed value"),
    "winter_spring_wave": _("winter–spring relief wave"),
}


def object_label(code: str) -> str:
    """A stored object type's name; an unknown one as is."""
    return str(OBJECT_LABELS.get(code, code))
