"""URLs of the re-check pages (views.py)."""

from django.urls import path

from doudi.rechecks import views

app_name = "rechecks"
urlpatterns = [
    path("", views.due, name="due"),
    path("due.xlsx", views.due_xlsx, name="due-xlsx"),
    path("start/", views.start, name="start"),
    path("allowances-ending/", views.ending, name="ending"),
    path("allowances-ending.xlsx", views.ending_xlsx, name="ending-xlsx"),
]
