from django.urls import path

from doudi.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.standards, name="standards"),
    path("propose/", views.propose, name="propose"),
    path("values/<int:value_id>/", views.proposal, name="proposal"),
    path("values/<int:value_id>/decide/", views.decide, name="decide"),
    path("values/<int:value_id>/what-if/", views.what_if_again, name="what_if_again"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/start/", views.start_evaluation, name="start_evaluation"),
    path("evaluations/<int:evaluation_id>/", views.evaluation, name="evaluation"),
]
