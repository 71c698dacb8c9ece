from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisasterConfig(AppConfig):
    name = "doudi.disaster"
    verbose_name = _("Disaster relief")

    def ready(self) -> None:
        from doudi.disaster import home  # noqa: F401  (registers the to-do list's items)
