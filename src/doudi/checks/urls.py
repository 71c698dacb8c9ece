"""The check report's page and PDF, under the case (/cases/<id>/check-report/)."""

from django.urls import path

from doudi.checks import views

app_name = "checks"
urlpatterns = [
    path("<int:case_id>/check-report/", views.report_page, name="latest_report"),
    path("<int:case_id>/check-report/<int:report_id>/", views.report_page, name="report"),
    path("<int:case_id>/check-report/<int:report_id>.pdf", views.report_pdf, name="report_pdf"),
]
