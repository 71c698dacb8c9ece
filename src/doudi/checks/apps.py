from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "doudi.checks"
    verbose_name = _("Data checks")
