from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "trato.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Each app's reports.py registers its sections (trato/claims/reports.py, later leads, meetings, calls), so
        # the reports app never imports an app it reports on.
        autodiscover_modules("reports")
