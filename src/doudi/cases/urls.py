from django.urls import path

from doudi.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/<int:household_id>/", views.open_case, name="open"),
    path("hukou/", views.hukou_checks, name="hukou"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/documents/<str:kind>.pdf", views.document, name="document"),
    path("<int:case_id>/<str:action>/", views.step, name="step"),
]
