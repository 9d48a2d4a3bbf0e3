from django.contrib import admin
from django.urls import include, path

from trato.api import api

urlpatterns = [
    path("", include("trato.core.urls")),
    path("accounts/", include("trato.accounts.urls")),
    path("partners/", include("trato.partners.urls")),
    path("claims/", include("trato.claims.urls")),
    path("reports/", include("trato.reports.urls")),
    path("timeline/", include("trato.timeline.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("jobs/", include("trato.jobs.urls")),
    path("inbox/", include("trato.inbox.urls")),
    path("mail/", include("trato.mail.urls")),
    path("webhooks/", include("trato.webhooks.urls")),
    path("notifications/", include("trato.notifications.urls")),
]

handler500 = "trato.core.views.server_error"
