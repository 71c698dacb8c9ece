from django.urls import path

from doudi.disaster import views

app_name = "disaster"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("events/<int:event_id>/figures.xlsx", views.event_export, name="event_export"),
    path("waves/<int:wave_id>/", views.wave_detail, name="wave"),
    path("waves/<int:wave_id>/figures.xlsx", views.wave_export, name="wave_export"),
    path("steps/<slug:name>/", views.take, name="step"),
    path("steps/<slug:name>/<int:object_id>/", views.take, name="object_step"),
]
