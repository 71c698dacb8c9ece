from django.urls import path

from doudi.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.pending, name="pending"),
    path("<int:pair_id>/decide/", views.decide, name="decide"),
]
