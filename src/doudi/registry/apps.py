from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "doudi.registry"
    verbose_name = _("Household registry")

    def ready(self) -> None:
        from doudi.registry import home  # noqa: F401  (registers the home-page counters)
