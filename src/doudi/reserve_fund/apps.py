from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReserveFundConfig(AppConfig):
    name = "doudi.reserve_fund"
    verbose_name = _("Reserve funds")

    def ready(self) -> None:
        from doudi.reserve_fund import home  # noqa: F401  (registers the to-do list's items)
