from django.urls import path

from doudi.early_warning import views

app_name = "early_warning"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("run/", views.run, name="run"),
    path("visit/", views.raise_from_visit, name="visit"),
    path("<int:warning_id>/<slug:name>/", views.handle, name="handle"),
]
