from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "doudi.web"
    verbose_name = _("Web pages")

    def ready(self) -> None:
        from doudi import production  # noqa: F401  (registers the production check)
