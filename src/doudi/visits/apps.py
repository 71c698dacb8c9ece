from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "doudi.visits"
    verbose_name = _("Home visits")

    def ready(self) -> None:
        from doudi.visits import home  # noqa: F401  (registers the to-do list's items)
