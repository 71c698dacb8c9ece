"""The public notice pages, without log-in: reached only by a village's random token."""

from django.urls import path

from doudi.notices import views

app_name = "public_notices"
urlpatterns = [
    path("<slug:token>/", views.public_notice, name="notice"),
    path("<slug:token>/objection/", views.public_objection, name="objection"),
    path("<slug:token>/enquiry/", views.public_enquiry, name="enquiry"),
]
