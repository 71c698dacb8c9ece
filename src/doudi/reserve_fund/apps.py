from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReserveFundConfig(AppConfig):
    name = "doudi.reserve_fund"
    verbose_name = _("Reserve funds")
