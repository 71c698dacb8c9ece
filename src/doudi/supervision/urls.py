from django.urls import path

from doudi.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("samples/<int:sample_id>/", views.sample_detail, name="sample"),
    path("samples/<int:sample_id>/sample.xlsx", views.sample_export, name="sample_export"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/findings.xlsx", views.findings_export, name="findings_export"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<int:ticket_id>/", views.referral_detail, name="referral"),
    path("relatives/", views.relatives, name="relatives"),
    path("steps/<slug:name>/", views.take, name="step"),
    path("steps/<slug:name>/<int:object_id>/", views.take, name="object_step"),
]
