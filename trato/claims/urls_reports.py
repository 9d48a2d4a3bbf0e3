"""The "Reports" section (mounted at /reports/ in trato/urls.py): for now, the claims reports."""

from django.urls import path

from trato.claims import views_reports

app_name = "reports"

urlpatterns = [
    path("", views_reports.report_index, name="index"),
    path("claims/<slug:table>.csv", views_reports.report_export, name="claims_export"),
]
