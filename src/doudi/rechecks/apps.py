from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RechecksConfig(AppConfig):
    name = "doudi.rechecks"
    verbose_name = _("Re-checks")

    def ready(self) -> None:
        from doudi.rechecks import home  # noqa: F401  (registers the to-do list's items)
