from django.urls import path

from doudi.medical import views

app_name = "medical"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("claims.xlsx", views.claims_export, name="export"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path("import/", views.import_file, name="import"),
    path("import/template.xlsx", views.import_template, name="template"),
    path("settlements/<int:settlement_id>/", views.settlement_detail, name="settlement"),
    path("settlements/<int:settlement_id>.xlsx", views.settlement_export, name="settlement_export"),
    path("premiums/<int:list_id>/", views.premium_detail, name="premium"),
    path("premiums/<int:list_id>.xlsx", views.premium_export, name="premium_export"),
    path("steps/<slug:name>/", views.take, name="step"),
    path("steps/<slug:name>/<int:object_id>/", views.take, name="object_step"),
]
