from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "trato.webhooks"
    label = "webhooks"
