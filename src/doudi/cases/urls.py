from django.urls import path

from doudi.cases import bulk_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("standard-changes/", bulk_views.standard_changes, name="standard_changes"),
    path("standard-changes/propose/", bulk_views.propose, name="propose_standard_change"),
    path("standard-changes/<int:change_id>/", bulk_views.standard_change, name="standard_change"),
    path(
        "standard-changes/previews/<int:preview_id>/",
        bulk_views.change_preview,
        name="standard_change_preview",
    ),
    path(
        "standard-changes/<int:change_id>/approve/",
        bulk_views.approve,
        name="approve_standard_change",
    ),
    path("new/<int:household_id>/", views.open_case, name="open"),
    path("hukou/", views.hukou_checks, name="hukou"),
    path("stages/", views.staged_payments, name="stages"),
    path("stages.xlsx", views.staged_payments_export, name="stages_export"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/documents/<str:kind>.pdf", views.document, name="document"),
    path("<int:case_id>/<str:action>/", views.step, name="step"),
]
