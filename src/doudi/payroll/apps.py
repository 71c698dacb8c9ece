from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "doudi.payroll"
    verbose_name = _("Payrolls")

    def ready(self) -> None:
        from doudi.payroll import home  # noqa: F401  (registers the to-do list's items)
