from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from doudi.api import views
from doudi.campaigns import api as campaigns_api
from doudi.cases import api as cases_api
from doudi.cases.api import CaseViewSet
from doudi.checks import api as checks_api
from doudi.disaster import api as disaster_api
from doudi.early_warning import api as early_warning_api
from doudi.hotline import api as hotline_api
from doudi.jobs import api as jobs_api
from doudi.medical import api as medical_api
from doudi.monitoring import api as monitoring_api
from doudi.notices import api as notices_api
from doudi.payroll import api as payroll_api
from doudi.policy.api import EvaluateView
from doudi.rechecks import api as rechecks_api
from doudi.registry import api as registry_api
from doudi.reserve_fund import api as reserve_fund_api
from doudi.sources import api as sources_api
from doudi.statistics import api as statistics_api
from doudi.supervision import api as supervision_api
from doudi.visits import api as visits_api
from doudi.window import api as window_api

router = SimpleRouter(trailing_slash=True)
router.register("regions", views.RegionViewSet, basename="region")
router.register("users", views.UserViewSet, basename="user")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")
router.register("households", registry_api.HouseholdViewSet, basename="household")
router.register("members", registry_api.MemberViewSet, basename="member")
router.register("cases", CaseViewSet, basename="case")

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("auth/login/", views.LoginView.as_view(), name="login"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.MeView.as_view(), name="me"),
    path("evaluate", EvaluateView.as_view(), name="evaluate"),
    path(
        "households/<int:household_id>/chain/",
        registry_api.HouseholdChainView.as_view(),
        name="household-chain",
    ),
    path(
        "facts/<str:kind>/<int:fact_id>/remove/",
        registry_api.FactRemoveView.as_view(),
        name="fact-remove",
    ),
    path(
        "attachments/<int:attachment_id>/",
        registry_api.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    path(
        "schemas/household.json",
        registry_api.HouseholdSchemaView.as_view(),
        name="household-schema",
    ),
    *checks_api.urlpatterns,
    *cases_api.urlpatterns,
    *campaigns_api.urlpatterns,
    *jobs_api.urlpatterns,
    *monitoring_api.urlpatterns,
    *early_warning_api.urlpatterns,
    *visits_api.urlpatterns,
    *rechecks_api.urlpatterns,
    *disaster_api.urlpatterns,
    *medical_api.urlpatterns,
    *reserve_fund_api.urlpatterns,
    *window_api.urlpatterns,
    *supervision_api.urlpatterns,
    *notices_api.urlpatterns,
    *hotline_api.urlpatterns,
    *statistics_api.urlpatterns,
    *payroll_api.urlpatterns,
    *sources_api.urlpatterns,
    *router.urls,
]
