from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cbec_supervision import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_mark_read, name="notification_mark_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("work/", views.my_work, name="my_work"),
    path("work/assign/<int:content_type_id>/<int:pk>/", views.assign_item, name="assign_item"),
    path("search/", views.search_page, name="search"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    # One `accounts` namespace from two apps: the account pages, and the enterprise self-registration
    # (accounts:signup), which creates a filing and so lives in filings; accounts, a layer below, never names it.
    path(
        "accounts/",
        include(([path("", include("accounts.urls")), path("", include("filings.signup_urls"))], "accounts")),
    ),
    path("filings/", include("filings.urls")),
    path("catalogues/", include("catalogues.urls")),
    path("partnerships/", include("partnerships.urls")),
    path("imports/", include("imports.urls")),
    path("risks/", include("risk_monitoring.urls")),
    path("traceability/", include("traceability.urls")),
    path("anticounterfeit/", include("anticounterfeit.urls")),
    path("reports/", include("reports.urls")),
    path("complaints/", include("risk_monitoring.public_urls")),
    path("notices/", include("traceability.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cbec_supervision.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/start/", views.api_start, name="api-start"),
]
