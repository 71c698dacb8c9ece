from django.urls import path

from doudi.grants import views

app_name = "grants"
urlpatterns = [
    path("", views.grant_list, name="list"),
    path("define/", views.define, name="define"),
    path("<int:grant_id>/", views.detail, name="detail"),
    path("<int:grant_id>/approve/", views.approve, name="approve"),
    path("<int:grant_id>/pay/", views.pay, name="pay"),
]
