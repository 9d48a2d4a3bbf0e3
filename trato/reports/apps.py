from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "trato.reports"
    label = "reports"
