from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "doudi.supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from doudi.supervision import home  # noqa: F401  (registers the to-do list's items)
