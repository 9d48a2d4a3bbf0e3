from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "trato.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Each app's notifications.py declares its kinds and listens to the events that raise them
        # (trato/claims/notifications.py; later leads, meetings, calls), so this app imports none of them.
        autodiscover_modules("notifications")
