"""Loading the demo: the region tree, then one account per role. Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from django.utils.translation import gettext_lazy as _

from doudi.accounts import services as account_services
from doudi.accounts.models import User
from doudi.accounts.roles import ADMINISTRATOR_ROLES, Role
from doudi.config import environment_is_production
from doudi.errors import DoudiError
from doudi.regions.models import Region
from doudi.regions.services import import_regions

DEMO_PASSWORD = "Doudi-Demo-2026"
JIAOZUO = "410800000000"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    region_code: str
    full_name: str


DEMO_ACCOUNTS = [
    DemoAccount("admin", Role.SYSTEM_ADMIN, JIAOZUO, "演示管理员"),
    DemoAccount("security", Role.SECURITY_ADMIN, JIAOZUO, "演示安全管理员"),
    DemoAccount("auditadmin", Role.AUDIT_ADMIN, JIAOZUO, "演示审计管理员"),
    DemoAccount("city", Role.CITY_SUPERVISOR, JIAOZUO, "演示市局督导"),
    DemoAccount("auditor", Role.AUDITOR, JIAOZUO, "演示审计员"),
    DemoAccount("county", Role.COUNTY_APPROVER, "410821000000", "演示县民政审批"),
    DemoAccount("discipline", Role.DISCIPLINE_INSPECTOR, "410821000000", "演示纪检监察"),
    DemoAccount("finance", Role.FINANCE_OFFICER, "410821000000", "演示财政"),
    DemoAccount("bank", Role.BANK_OPERATOR, "410821000000", "演示银行"),
    DemoAccount("handler", Role.TOWNSHIP_HANDLER, "410821902000", "演示乡镇经办"),
    DemoAccount("reviewer", Role.TOWNSHIP_REVIEWER, "410821902000", "演示乡镇审核"),
    DemoAccount("village", Role.VILLAGE_WORKER, "410821902001", "演示村级经办"),
    # 演示街道, where the grid worker works, has its own township staff.
    DemoAccount("handler2", Role.TOWNSHIP_HANDLER, "410821901000", "演示街道经办"),
    DemoAccount("reviewer2", Role.TOWNSHIP_REVIEWER, "410821901000", "演示街道审核"),
    DemoAccount("grid", Role.GRID_WORKER, "410821901001", "演示网格员"),
]


def demo_regions_csv() -> bytes:
    return resources.files("doudi.demo").joinpath("data/jiaozuo_regions.csv").read_bytes()


def load_demo() -> list[str]:
    """Create what is missing; return the user names created."""
    if environment_is_production():
        raise DoudiError(_("Demo data is never loaded into a production installation."))
    if not Region.objects.filter(code=JIAOZUO).exists():
        import_regions(None, demo_regions_csv(), "jiaozuo_regions.csv")
    created = []
    # The three administrators come first, each as the first of its role (三员分立: the
    # system administrator may not create the other two).
    for account in DEMO_ACCOUNTS:
        if (
            account.role in ADMINISTRATOR_ROLES
            and not User.objects.filter(username=account.username).exists()
        ):
            account_services.bootstrap_admin(
                username=account.username,
                password=DEMO_PASSWORD,
                region_code=account.region_code,
                full_name=account.full_name,
                role=account.role,
            )
            created.append(account.username)
    admin = User.objects.get(username="admin")
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        account_services.create_user(
            admin,
            username=account.username,
            password=DEMO_PASSWORD,
            role=account.role,
            region_code=account.region_code,
            full_name=account.full_name,
            reason="demo data",
            must_change_password=False,  # the demo's password is published; it starts at once
        )
        created.append(account.username)
    return created
