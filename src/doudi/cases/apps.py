from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "doudi.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from doudi.cases import home  # noqa: F401  (registers the to-do list's items)
