from django.urls import path

from doudi.window import views

app_name = "window"
urlpatterns = [
    path("", views.intake_list, name="list"),
    path("new/", views.intake_pick, name="pick"),
    path("new/<int:household_id>/", views.intake_create, name="new"),
    path("<int:intake_id>/", views.intake_detail, name="detail"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<int:need_id>/answer/", views.referral_answer, name="answer"),
    path("statistics/", views.statistics, name="statistics"),
]
