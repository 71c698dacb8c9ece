from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "doudi.web"
    verbose_name = _("Web pages")

    def ready(self) -> None:
        from doudi.identity.logging import protect_every_handler

        # The settings' handlers carry the ID-number filter; this adds it to any other handler
        # that exists by now (Django's defaults, libraries' own), so that none writes a number.
        protect_every_handler()

        from doudi import production  # noqa: F401  (registers the production check)
