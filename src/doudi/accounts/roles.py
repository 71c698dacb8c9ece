"""Roles (DOMAIN.md §1), the levels each may sit at, and what each may do.

This table is the whole permission model: a user may perform an action when their role grants
the permission and the object lies inside their place's subtree (see jurisdiction.py).
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.regions.codes import Level


class Role(models.TextChoices):
    VILLAGE_WORKER = "village_worker", _("Village/community worker")
    GRID_WORKER = "grid_worker", _("Grid worker")
    TOWNSHIP_HANDLER = "township_handler", _("Township handler")
    TOWNSHIP_REVIEWER = "township_reviewer", _("Township reviewer")
    COUNTY_APPROVER = "county_approver", _("County approver")
    CITY_SUPERVISOR = "city_supervisor", _("City supervisor")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    BANK_OPERATOR = "bank_operator", _("Bank operator")
    AUDITOR = "auditor", _("Auditor (read-only)")
    # 纪检监察: reads the supervision of its county or city (and what it rests on), changes nothing.
    DISCIPLINE_INSPECTOR = "discipline_inspector", _("Discipline inspector (read-only)")
    # The three administrators of 等保 2.0 level 3 (三员分立), none able to do another's work.
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# Accounts of these roles are created, changed and deactivated only by a security
# administrator (or, the first of each, by `doudi users bootstrap-admin`): whoever could give
# themselves or a friend one of these roles would hold two of the three.
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


# The levels of place a user of each role may belong to.
ROLE_LEVELS: dict[Role, frozenset[Level]] = {
    Role.VILLAGE_WORKER: frozenset({Level.VILLAGE}),
    Role.GRID_WORKER: frozenset({Level.VILLAGE}),
    Role.TOWNSHIP_HANDLER: frozenset({Level.TOWNSHIP}),
    Role.TOWNSHIP_REVIEWER: frozenset({Level.TOWNSHIP}),
    Role.COUNTY_APPROVER: frozenset({Level.COUNTY}),
    Role.CITY_SUPERVISOR: frozenset({Level.CITY}),
    Role.FINANCE_OFFICER: frozenset({Level.COUNTY, Level.CITY}),
    Role.BANK_OPERATOR: frozenset({Level.COUNTY, Level.CITY}),
    Role.AUDITOR: frozenset({Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP}),
    Role.DISCIPLINE_INSPECTOR: frozenset({Level.CITY, Level.COUNTY}),
    Role.SYSTEM_ADMIN: frozenset({Level.PROVINCE, Level.CITY, Level.COUNTY}),
    Role.SECURITY_ADMIN: frozenset({Level.PROVINCE, Level.CITY, Level.COUNTY}),
    Role.AUDIT_ADMIN: frozenset({Level.PROVINCE, Level.CITY, Level.COUNTY}),
}


class Permission(StrEnum):
    VIEW_REGIONS = "regions.view"
    EDIT_REGIONS = "regions.edit"
    IMPORT_REGIONS = "regions.import"
    VIEW_USERS = "accounts.view"
    MANAGE_USERS = "accounts.manage"  # accounts of the business roles
    UNLOCK_USERS = "accounts.unlock"
    ASSIGN_ROLES = "accounts.assign_roles"  # any role, the administrators' included
    VIEW_AUDIT = "audit.view"
    VIEW_HOUSEHOLDS = "registry.view"
    EDIT_HOUSEHOLDS = "registry.edit"
    IMPORT_HOUSEHOLDS = "registry.import"
    SET_STANDARDS = "policy.set_standards"
    RUN_EVALUATION = "policy.run_evaluation"
    EDIT_CALENDAR = "workdays.edit"
    FUND_RESERVE = "reserve_fund.fund"
    PAY_FROM_RESERVE = "reserve_fund.pay"
    DELEGATE_CONFIRMATION = "regions.delegate_confirmation"
    VIEW_CASES = "cases.view"
    SUBMIT_CASES = "cases.submit"
    HANDLE_CASES = "cases.handle"
    CHECK_DATA = "cases.check_data"
    # The township asks the county's check centre; the centre may also start a check itself.
    REQUEST_CHECKS = "cases.request_check"
    CONFIRM_CASES = "cases.confirm"
    VIEW_PAYROLLS = "payroll.view"
    PREPARE_PAYROLL = "payroll.prepare"
    APPROVE_PAYROLL = "payroll.approve"
    BANK_TRANSFER = "payroll.bank"
    SET_BUDGETS = "payroll.budgets"
    # The money side of payrolls: budgets and one-off grants — not the bank's to see.
    VIEW_FUNDS = "payroll.view_funds"
    DEFINE_GRANTS = "grants.define"
    # Departments' deliveries for the check platform (家庭经济状况核对, doudi.sources).
    LOAD_DEPARTMENT_DATA = "sources.load"
    VIEW_DEPARTMENT_DATA = "sources.view"
    # Campaigns (专项治理, doudi.campaigns): run by civil affairs, closed by the townships.
    RUN_CAMPAIGNS = "campaigns.run"
    CLOSE_FINDINGS = "campaigns.close"
    VIEW_CAMPAIGNS = "campaigns.view"
    # Periodic re-checks (复核, doudi.rechecks): the township or the county starts them for
    # the households due.
    START_RECHECKS = "rechecks.start"
    # The monitored population (doudi.monitoring): townships and counties report who is at risk.
    MANAGE_MONITORING = "monitoring.manage"
    # The county decides a warning the township sent it, case by case (一事一议).
    COORDINATE_WARNINGS = "warnings.coordinate"
    # Disaster relief (doudi.disaster): the county or city records an event and defines its
    # relief; the village or township reports each household's impact and another person of
    # the township verifies it; the township and county assess winter–spring needs.
    VIEW_DISASTERS = "disaster.view"
    MANAGE_DISASTERS = "disaster.manage"
    REPORT_IMPACTS = "disaster.report"
    VERIFY_IMPACTS = "disaster.verify"
    ASSESS_NEEDS = "disaster.assess"
    # Supervision (监督检查, doudi.supervision): the county or city plans inspections, draws
    # samples, checks them and raises findings; the township rectifies what is found of it and
    # declares its staff's and cadres' close relatives receiving; the auditor and the discipline
    # inspector read all of it.
    VIEW_SUPERVISION = "supervision.view"  # findings, rectifications, the relatives register
    VIEW_PLANS = "supervision.view_plans"  # the plans and their samples: not the inspected's
    INSPECT = "supervision.inspect"
    RECTIFY = "supervision.rectify"
    DECLARE_RELATIVES = "supervision.declare_relatives"
    # The service hotline (doudi.hotline): the township and the county take and handle tickets
    # in their places; reviewers, the city and auditors read them.
    VIEW_HOTLINE = "hotline.view"
    HANDLE_HOTLINE = "hotline.handle"
    # Medical assistance (doudi.medical): the township or county records the claims (by hand
    # or from the medical-insurance bureau's settlement file); the county approves them, lists
    # what it owes the hospitals or pays the persons, and makes the premium-subsidy list.
    VIEW_MEDICAL = "medical.view"
    RECORD_MEDICAL_CLAIMS = "medical.record"
    APPROVE_MEDICAL_CLAIMS = "medical.approve"
    # Statistics and dashboards (doudi.statistics): figures of a place and the places below,
    # read by civil affairs from the township up, finance and the auditors.
    VIEW_STATISTICS = "statistics.view"


_EVERY_ROLE = {Permission.VIEW_REGIONS}
# Everyone who works with households reads them; finance and the bank see payrolls instead.
_CASEWORK = {
    *_EVERY_ROLE,
    Permission.VIEW_HOUSEHOLDS,
    Permission.VIEW_CASES,
    Permission.VIEW_DISASTERS,
    Permission.VIEW_MEDICAL,
}
_FIELD_WORK = {
    *_CASEWORK,
    Permission.EDIT_HOUSEHOLDS,
    Permission.SUBMIT_CASES,
    Permission.REPORT_IMPACTS,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VILLAGE_WORKER: frozenset(_FIELD_WORK),
    Role.GRID_WORKER: frozenset(_FIELD_WORK),
    Role.TOWNSHIP_HANDLER: frozenset(
        {
            *_FIELD_WORK,
            Permission.IMPORT_HOUSEHOLDS,
            Permission.PAY_FROM_RESERVE,
            Permission.HANDLE_CASES,
            Permission.REQUEST_CHECKS,
            Permission.VIEW_CAMPAIGNS,
            Permission.CLOSE_FINDINGS,
            Permission.START_RECHECKS,
            Permission.MANAGE_MONITORING,
            Permission.VERIFY_IMPACTS,
            Permission.ASSESS_NEEDS,
            Permission.VIEW_SUPERVISION,
            Permission.RECTIFY,
            Permission.DECLARE_RELATIVES,
            Permission.VIEW_HOTLINE,
            Permission.HANDLE_HOTLINE,
            Permission.RECORD_MEDICAL_CLAIMS,
            Permission.VIEW_STATISTICS,
        }
    ),
    Role.TOWNSHIP_REVIEWER: frozenset(
        {
            *_CASEWORK,
            Permission.VIEW_HOTLINE,
            Permission.VERIFY_IMPACTS,
            Permission.CONFIRM_CASES,
            Permission.VIEW_CAMPAIGNS,
            Permission.CLOSE_FINDINGS,
            Permission.VIEW_SUPERVISION,
            Permission.RECTIFY,
            Permission.VIEW_STATISTICS,
        }
    ),
    Role.COUNTY_APPROVER: frozenset(
        {
            *_CASEWORK,
            Permission.VIEW_USERS,
            Permission.IMPORT_HOUSEHOLDS,
            Permission.RUN_EVALUATION,
            Permission.FUND_RESERVE,
            Permission.CHECK_DATA,
            Permission.REQUEST_CHECKS,
            Permission.CONFIRM_CASES,
            Permission.DELEGATE_CONFIRMATION,
            Permission.VIEW_PAYROLLS,
            Permission.VIEW_FUNDS,
            Permission.PREPARE_PAYROLL,
            Permission.DEFINE_GRANTS,
            # The civil-affairs bureaus receive the departments' data: the county's own, and
            # the city's check platform.
            Permission.LOAD_DEPARTMENT_DATA,
            Permission.VIEW_DEPARTMENT_DATA,
            # The county runs campaigns over its recipients and may close a finding of any
            # of its townships.
            Permission.RUN_CAMPAIGNS,
            Permission.VIEW_CAMPAIGNS,
            Permission.CLOSE_FINDINGS,
            Permission.START_RECHECKS,
            Permission.MANAGE_MONITORING,
            Permission.COORDINATE_WARNINGS,
            Permission.MANAGE_DISASTERS,
            Permission.ASSESS_NEEDS,
            Permission.VIEW_SUPERVISION,
            Permission.VIEW_PLANS,
            Permission.INSPECT,
            Permission.DECLARE_RELATIVES,
            Permission.VIEW_HOTLINE,
            Permission.HANDLE_HOTLINE,
            Permission.RECORD_MEDICAL_CLAIMS,
            Permission.APPROVE_MEDICAL_CLAIMS,
            Permission.VIEW_STATISTICS,
        }
    ),
    Role.CITY_SUPERVISOR: frozenset(
        {
            *_CASEWORK,
            Permission.VIEW_USERS,
            Permission.VIEW_AUDIT,
            Permission.SET_STANDARDS,
            Permission.RUN_EVALUATION,
            Permission.VIEW_PAYROLLS,
            Permission.VIEW_FUNDS,
            Permission.DEFINE_GRANTS,
            Permission.LOAD_DEPARTMENT_DATA,
            Permission.VIEW_DEPARTMENT_DATA,
            Permission.RUN_CAMPAIGNS,
            Permission.VIEW_CAMPAIGNS,
            Permission.MANAGE_DISASTERS,
            Permission.VIEW_SUPERVISION,
            Permission.VIEW_PLANS,
            Permission.INSPECT,
            Permission.VIEW_HOTLINE,
            Permission.VIEW_STATISTICS,
        }
    ),
    # Three-party control: finance approves payrolls and sets budgets, the bank pays.
    Role.FINANCE_OFFICER: frozenset(
        {
            *_EVERY_ROLE,
            Permission.VIEW_PAYROLLS,
            Permission.VIEW_FUNDS,
            Permission.APPROVE_PAYROLL,
            Permission.SET_BUDGETS,
            Permission.VIEW_STATISTICS,
        }
    ),
    Role.BANK_OPERATOR: frozenset(
        {*_EVERY_ROLE, Permission.VIEW_PAYROLLS, Permission.BANK_TRANSFER}
    ),
    Role.AUDITOR: frozenset(
        {
            *_CASEWORK,
            Permission.VIEW_USERS,
            Permission.VIEW_AUDIT,
            Permission.VIEW_PAYROLLS,
            Permission.VIEW_FUNDS,
            Permission.VIEW_DEPARTMENT_DATA,
            Permission.VIEW_CAMPAIGNS,
            Permission.VIEW_HOTLINE,
            Permission.VIEW_SUPERVISION,
            Permission.VIEW_PLANS,
            Permission.VIEW_STATISTICS,
        }
    ),
    # The discipline inspector (纪检监察) reads what the auditor reads of the casework and the
    # supervision — plans, samples, findings, the relatives register — and may change nothing.
    Role.DISCIPLINE_INSPECTOR: frozenset(
        {
            *_CASEWORK,
            Permission.VIEW_PAYROLLS,
            Permission.VIEW_CAMPAIGNS,
            Permission.VIEW_SUPERVISION,
            Permission.VIEW_PLANS,
            Permission.VIEW_HOTLINE,
            Permission.VIEW_STATISTICS,
        }
    ),
    # 三员分立 (docs/decisions/0003-security.md). The system administrator runs the system:
    # business accounts, places, the calendar, standards — not the cases or the money, not the
    # audit trail, not the security rules.
    Role.SYSTEM_ADMIN: frozenset(
        {
            *_EVERY_ROLE,
            Permission.EDIT_REGIONS,
            Permission.IMPORT_REGIONS,
            Permission.DELEGATE_CONFIRMATION,
            Permission.VIEW_USERS,
            Permission.MANAGE_USERS,
            Permission.EDIT_CALENDAR,
            Permission.SET_STANDARDS,
            Permission.RUN_EVALUATION,
            Permission.VIEW_HOUSEHOLDS,
            Permission.VIEW_CASES,
            Permission.VIEW_PAYROLLS,
        }
    ),
    # The security administrator authorises: gives roles (the administrators' included) and
    # unlocks accounts; reads no household, case or audit event (the place names, which every
    # role reads, are no one's secret).
    Role.SECURITY_ADMIN: frozenset(
        {*_EVERY_ROLE, Permission.VIEW_USERS, Permission.UNLOCK_USERS, Permission.ASSIGN_ROLES}
    ),
    # The audit administrator reads and verifies the audit trail, and nothing else.
    Role.AUDIT_ADMIN: frozenset({*_EVERY_ROLE, Permission.VIEW_AUDIT}),
}
