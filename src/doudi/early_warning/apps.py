from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlyWarningConfig(AppConfig):
    name = "doudi.early_warning"
    verbose_name = _("Early warning")

    def ready(self) -> None:
        from doudi.early_warning import home  # noqa: F401  (registers the to-do list's items)
