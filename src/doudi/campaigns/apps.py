from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "doudi.campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from doudi.campaigns import home  # noqa: F401  (registers the to-do list's items)
