from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "doudi.regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from doudi.regions import home  # noqa: F401  (registers the home-page counters)
