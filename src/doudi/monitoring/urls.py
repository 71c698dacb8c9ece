from django.urls import path

from doudi.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.population, name="population"),
    path("population.xlsx", views.population_xlsx, name="population_xlsx"),
    path("refresh/", views.refresh, name="refresh"),
    path("report/", views.report_risk, name="report"),
    path("<int:entry_id>/remove/", views.remove, name="remove"),
]
