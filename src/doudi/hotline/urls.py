"""URLs of the hotline's pages (views.py)."""

from django.urls import path

from doudi.hotline import views

app_name = "hotline"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("figures/", views.figures, name="figures"),
    path("duty/", views.duty, name="duty"),
    path("figures.xlsx", views.figures_export, name="figures_export"),
    path("<int:ticket_id>/", views.ticket_detail, name="ticket"),
    path("steps/<slug:name>/", views.take, name="step"),
    path("steps/<slug:name>/<int:object_id>/", views.take, name="object_step"),
]
