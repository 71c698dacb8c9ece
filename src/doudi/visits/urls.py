from django.urls import path

from doudi.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("households/<int:household_id>/", views.new_visit, name="new"),
]
