"""URLs of the Excel template, import and export pages (views_excel.py)."""

urlpatterns: list = []
