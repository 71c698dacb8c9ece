"""URLs of the staff pages of the public notices (views.py)."""

from django.urls import path

from doudi.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.village_list, name="villages"),
    path("objections/", views.objection_list, name="objections"),
    path("objections/<int:objection_id>/<slug:name>/", views.objection_step, name="objection-step"),
    path("cards/<int:household_id>.pdf", views.household_card, name="household-card"),
    path("<str:code>/", views.village_detail, name="village"),
    path("<str:code>/notice.pdf", views.village_pdf, name="village-pdf"),
    path("<str:code>/cards.pdf", views.village_cards, name="village-cards"),
    path("<str:code>/<slug:name>/", views.village_step, name="village-step"),
]
