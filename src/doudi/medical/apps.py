from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicalConfig(AppConfig):
    name = "doudi.medical"
    verbose_name = _("Medical assistance")

    def ready(self) -> None:
        from doudi.medical import home  # noqa: F401  (registers the to-do list's items)
