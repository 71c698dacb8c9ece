from django.urls import path

from doudi.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.standards, name="standards"),
    path("propose/", views.propose, name="propose"),
    path("values/<int:value_id>/", views.proposal, name="proposal"),
    path("values/<int:value_id>/decide/", views.decide, name="decide"),
]
