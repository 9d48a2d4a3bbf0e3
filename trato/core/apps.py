from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "trato.core"
    label = "core"

    def ready(self) -> None:
        from trato.core import pickers

        pickers.autodiscover()
        # Each app's worklist.py and related.py register its blocks on the home page ("My work") and on other apps'
        # record pages (a partner's claims), as reports.py does for /reports/: the core never imports those apps.
        autodiscover_modules("worklist", "related")
