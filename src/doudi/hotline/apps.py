from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "doudi.hotline"
    verbose_name = _("Service hotline")

    def ready(self) -> None:
        from doudi.hotline import home  # noqa: F401  (registers the to-do list's items)
