"""URLs of the dashboards (views.py)."""

from django.urls import path

from doudi.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.own_dashboard, name="own"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/report.xlsx", views.monthly_report, name="report"),
]
