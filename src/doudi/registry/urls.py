from django.urls import path, re_path

from doudi.registry import urls_excel, views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_create, name="create"),
    path("<int:household_id>/", views.household_detail, name="detail"),
    path("<int:household_id>/edit/", views.household_update, name="update"),
    path("<int:household_id>/members/new/", views.member_add, name="member_add"),
    path("members/<int:member_id>/edit/", views.member_update, name="member_update"),
    path("members/<int:member_id>/end/", views.member_end, name="member_end"),
    path("members/<int:member_id>/reveal/", views.member_reveal, name="member_reveal"),
    re_path(
        r"^(?P<household_id>[0-9]+)/(?P<kind>income|expense|asset)/new/$",
        views.fact_add,
        name="fact_add",
    ),
    re_path(
        r"^facts/(?P<kind>income|expense|asset)/(?P<fact_id>[0-9]+)/remove/$",
        views.fact_remove,
        name="fact_remove",
    ),
    path("<int:household_id>/attachments/new/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    *urls_excel.urlpatterns,
]
