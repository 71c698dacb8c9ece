from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ColumnarConfig(AppConfig):
    name = "doudi.columnar"
    verbose_name = _("Columnar snapshot of the registry")
