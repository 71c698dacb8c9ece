from django.urls import path

from doudi.reserve_fund import views

app_name = "reserve_fund"
urlpatterns = [
    path("", views.funds, name="funds"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests.xlsx", views.requests_export, name="requests_export"),
    path("steps/<slug:name>/", views.take, name="step"),
    path("steps/<slug:name>/<int:object_id>/", views.take, name="object_step"),
]
