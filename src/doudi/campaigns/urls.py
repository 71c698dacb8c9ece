"""URLs of the campaign pages (views.py)."""

from django.urls import path

from doudi.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("start/", views.start, name="start"),
    path("tasks/", views.tasks, name="tasks"),
    path("<int:campaign_id>/", views.detail, name="detail"),
    path("<int:campaign_id>/results.xlsx", views.results_xlsx, name="results-xlsx"),
    path("<int:campaign_id>/findings.xlsx", views.findings_xlsx, name="findings-xlsx"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("findings/<int:finding_id>/close/", views.close, name="close"),
]
