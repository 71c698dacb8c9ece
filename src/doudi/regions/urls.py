from django.urls import path

from doudi.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/update/", views.region_update, name="update"),
]
