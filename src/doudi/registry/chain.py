"""One assistance chain per household (一户一条救助链): every entry into and out of the monitored
population, warning, case and decision, benefit, payment and referral of the household, the
hotline tickets naming it and the supervision findings about it, on one timeline, the newest
first — each read through its own app's jurisdiction-scoped query, so a reader sees what their
role reads and nothing is missed or paid twice unseen."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.benefits.queries import benefits_ever_of_household
from doudi.cases.queries import cases_of_household
from doudi.early_warning.presentation import describe, member_names
from doudi.early_warning.queries import warnings_of_household
from doudi.hotline.queries import tickets_of_household
from doudi.money import fen_to_yuan
from doudi.monitoring.queries import entries_of_household
from doudi.payroll.queries import payments_of_household
from doudi.supervision.queries import findings_of_household
from doudi.window.queries import referrals_of_household

if TYPE_CHECKING:
    from doudi.accounts.models import User


@dataclass(frozen=True)
class Link:
    day: datetime.date
    # monitoring, warning, case, decision, benefit, payment, referral, ticket, finding
    kind: str
    label: str
    text: str
    url: str = ""


def assistance_chain(actor: User, household_id: int) -> list[Link]:
    links = [
        *_monitoring(actor, household_id),
        *_warnings(actor, household_id),
        *_cases(actor, household_id),
        *_benefits(actor, household_id),
        *_payments(actor, household_id),
        *_referrals(actor, household_id),
        *_tickets(actor, household_id),
        *_findings(actor, household_id),
    ]
    return sorted(links, key=lambda link: link.day, reverse=True)


def _monitoring(actor: User, household_id: int) -> list[Link]:
    links = []
    for entry in entries_of_household(actor, household_id):
        category = entry.get_category_display()
        links.append(
            Link(entry.entered_on, "monitoring", _("Monitored"), f"{category}：{entry.why}")
        )
        if entry.left_on:
            reason = entry.get_exit_reason_display()
            links.append(
                Link(entry.left_on, "monitoring", _("Left the monitoring"), f"{category}：{reason}")
            )
    return links


def _warnings(actor: User, household_id: int) -> list[Link]:
    warnings = list(warnings_of_household(actor, household_id))
    names, url = member_names(warnings), reverse("early_warning:list")
    links = []
    for warning in warnings:
        text = f"{warning.get_kind_display()}：{describe(warning, names)}"
        links.append(Link(warning.raised_on, "warning", _("Warning"), text, url))
        if warning.sent_to_county_on:
            links.append(
                Link(warning.sent_to_county_on, "warning", _("Warning"), warning.note, url)
            )
        if warning.closed_on:
            text = f"{warning.get_route_display()}：{warning.note}"
            links.append(Link(warning.closed_on, "warning", _("Warning handled"), text, url))
    return links


def _cases(actor: User, household_id: int) -> list[Link]:
    links = []
    for case in cases_of_household(actor, household_id):
        url = reverse("cases:detail", args=[case.pk])
        title = f"{case.file_number} {case.get_programme_display()} {case.get_kind_display()}"
        links.append(Link(case.submitted_on, "case", _("Case"), title, url))
        decision = getattr(case, "decision", None)
        if decision is not None:
            text = f"{title}：{decision.get_outcome_display()}"
            links.append(Link(decision.decided_on, "decision", _("Decision"), text, url))
    return links


def _benefits(actor: User, household_id: int) -> list[Link]:
    links = []
    for benefit in benefits_ever_of_household(actor, household_id):
        text = _("%(programme)s, %(amount)s yuan a month") % {
            "programme": benefit.get_programme_display(),
            "amount": fen_to_yuan(benefit.monthly_amount_fen),
        }
        links.append(Link(benefit.start_month, "benefit", _("Benefit from"), text))
        if benefit.end_month:
            links.append(Link(benefit.end_month, "benefit", _("Benefit until"), text))
    return links


def _payments(actor: User, household_id: int) -> list[Link]:
    payments, _count = payments_of_household(actor, household_id)
    links = []
    for payment in payments:
        line = payment.line
        text = _("%(programme)s for %(month)s: %(amount)s yuan to %(payee)s, %(status)s") % {
            "programme": line.get_programme_display(),
            "month": f"{line.pay_month:%Y-%m}",
            "amount": fen_to_yuan(line.amount_fen),
            "payee": line.payee_name,
            "status": line.get_status_display(),
        }
        links.append(Link(line.pay_month, "payment", _("Payment"), text))
    return links


def _referrals(actor: User, household_id: int) -> list[Link]:
    links = []
    for need in referrals_of_household(actor, household_id):
        department = need.department_name or need.get_department_display()
        url = reverse("window:detail", args=[need.intake_id])
        if need.sent_on:
            text = f"{department}：{need.description}"
            links.append(Link(need.sent_on, "referral", _("Referred"), text, url))
        if need.answered_on:
            text = f"{department}：{need.answer}"
            links.append(Link(need.answered_on, "referral", _("Referral answered"), text, url))
    return links


def _tickets(actor: User, household_id: int) -> list[Link]:
    links = []
    for ticket in tickets_of_household(actor, household_id):
        url = reverse("hotline:ticket", args=[ticket.pk])
        text = f"{ticket.get_category_display()}：{ticket.content[:100]}"
        links.append(Link(ticket.received_on, "ticket", _("Hotline ticket"), text, url))
        if ticket.closed_on:
            text = f"{ticket.get_category_display()}：{ticket.answer[:100]}"
            links.append(Link(ticket.closed_on, "ticket", _("Hotline ticket answered"), text, url))
    return links


def _findings(actor: User, household_id: int) -> list[Link]:
    links = []
    for finding in findings_of_household(actor, household_id):
        url = reverse("supervision:finding", args=[finding.pk])
        text = (
            f"{finding.get_origin_display()}，{finding.get_severity_display()}："
            + (finding.description[:100])
        )
        links.append(Link(finding.raised_on, "finding", _("Supervision finding"), text, url))
    return links
