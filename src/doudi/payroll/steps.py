"""A payroll's state machine: each step, the role's permission that takes it, the states it
starts from and the state it leads to (the services take them, the pages and the to-do list
offer them)."""

from __future__ import annotations

from doudi.accounts.roles import Permission
from doudi.payroll.models import PayrollState

STEPS = {  # step → (permission, the states it starts from, the state it leads to)
    "submit": (
        Permission.PREPARE_PAYROLL,
        (PayrollState.GENERATED, PayrollState.RETURNED),
        PayrollState.SUBMITTED,
    ),
    "approve": (Permission.APPROVE_PAYROLL, (PayrollState.SUBMITTED,), PayrollState.APPROVED),
    "return": (Permission.APPROVE_PAYROLL, (PayrollState.SUBMITTED,), PayrollState.RETURNED),
    "send": (Permission.BANK_TRANSFER, (PayrollState.APPROVED,), PayrollState.SENT),
    "reconcile": (Permission.BANK_TRANSFER, (PayrollState.SENT,), PayrollState.RECONCILED),
}
