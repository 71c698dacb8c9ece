from doudi.exchange.api import urlpatterns

app_name = "exchange"
__all__ = ["app_name", "urlpatterns"]
