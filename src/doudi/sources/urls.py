"""URLs of the departments' deliveries page (views.py)."""

from django.urls import path

from doudi.sources import views

app_name = "sources"
urlpatterns = [path("", views.deliveries, name="deliveries")]
