from django.urls import path

from doudi.reserve_fund import views

app_name = "reserve_fund"
urlpatterns = [
    path("", views.funds, name="funds"),
]
