from django.urls import path

from doudi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_create, name="create"),
    path("password/", views.password_change, name="password"),
    path("<str:username>/", views.user_detail, name="detail"),
    path("<str:username>/active/", views.user_set_active, name="set_active"),
    path("<str:username>/unlock/", views.user_unlock, name="unlock"),
    path("<str:username>/role/", views.user_set_role, name="set_role"),
]
