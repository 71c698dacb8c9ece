from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "doudi.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from doudi.accounts import home, signals  # noqa: F401  (counters and log-in events)
