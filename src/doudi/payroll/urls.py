from django.urls import path

from doudi.payroll import views

app_name = "payroll"
urlpatterns = [
    path("", views.payroll_list, name="list"),
    path("generate/", views.generate, name="generate"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("budgets/", views.budgets, name="budgets"),
    path("<int:payroll_id>/", views.detail, name="detail"),
    path("<int:payroll_id>/report.xlsx", views.report_workbook, name="report"),
    path("<int:payroll_id>/bank.<str:file_format>", views.bank_file, name="bank_file"),
    path("<int:payroll_id>/<str:name>/", views.step, name="step"),
]
