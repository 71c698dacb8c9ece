from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "doudi.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from doudi.audit import checks, home  # noqa: F401  (register the check, the counters)
