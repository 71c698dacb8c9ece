from django.urls import include, path

from doudi.admin import admin_site

urlpatterns = [
    path("", include("doudi.web.urls")),
    path("places/", include("doudi.regions.urls")),
    path("staff/", include("doudi.accounts.urls")),
    path("audit/", include("doudi.audit.urls")),
    path("households/", include("doudi.registry.urls")),
    path("policy/", include("doudi.policy.urls")),
    # Before the cases' own: their "<id>/<step>/" would take "<id>/check-report/".
    path("cases/", include("doudi.checks.urls")),
    path("cases/", include("doudi.cases.urls")),
    path("window/", include("doudi.window.urls")),
    path("payroll/", include("doudi.payroll.urls")),
    path("grants/", include("doudi.grants.urls")),
    path("reserve-fund/", include("doudi.reserve_fund.urls")),
    path("jobs/", include("doudi.jobs.urls")),
    path("sources/", include("doudi.sources.urls")),
    path("linkage/", include("doudi.linkage.urls")),
    path("monitoring/", include("doudi.monitoring.urls")),
    path("warnings/", include("doudi.early_warning.urls")),
    path("visits/", include("doudi.visits.urls")),
    path("campaigns/", include("doudi.campaigns.urls")),
    path("rechecks/", include("doudi.rechecks.urls")),
    path("disaster/", include("doudi.disaster.urls")),
    path("medical/", include("doudi.medical.urls")),
    path("supervision/", include("doudi.supervision.urls")),
    path("notices/", include("doudi.notices.urls")),
    path("hotline/", include("doudi.hotline.urls")),
    path("statistics/", include("doudi.statistics.urls")),
    # The public notice of a village (公示), without log-in, by its random token.
    path("notice/", include("doudi.notices.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin_site.urls),
    path("api/v1/", include("doudi.api.urls")),
    path("api/dci/v1/", include("doudi.exchange.urls")),
]

handler403 = "doudi.web.views.forbidden"
handler404 = "doudi.web.views.not_found"
handler500 = "doudi.web.views.server_error"
