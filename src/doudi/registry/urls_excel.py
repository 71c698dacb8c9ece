"""URLs of the Excel template, import and export pages (views_excel.py)."""

from django.urls import path

from doudi.registry import views_excel

urlpatterns = [
    path("template/", views_excel.template_download, name="template"),
    path("import/", views_excel.household_import, name="import"),
    path("export/", views_excel.household_export, name="export"),
]
