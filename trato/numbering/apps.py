from django.apps import AppConfig


class NumberingConfig(AppConfig):
    name = "trato.numbering"
    label = "numbering"
