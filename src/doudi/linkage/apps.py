from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "doudi.linkage"
    verbose_name = _("Matching people")

    def ready(self) -> None:
        from doudi.linkage import home  # noqa: F401  (registers the to-do list's items)
