from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "doudi.notices"
    verbose_name = _("Public notices")

    def ready(self) -> None:
        from doudi.notices import home  # noqa: F401  (registers the to-do list's items)
