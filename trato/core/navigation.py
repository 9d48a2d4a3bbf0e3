"""The main sections of the UI. A section whose app is not built yet shows a "coming" page."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    icon: str
    url_name: str

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return reverse("core:coming", args=[self.key])

    @property
    def is_built(self) -> bool:
        try:
            reverse(self.url_name)
        except NoReverseMatch:
            return False
        return True


SECTIONS = [
    Section("claims", _("Claims"), "exclamation-octagon", "claims:list"),
    Section("leads", _("Leads"), "person-plus", "leads:list"),
    Section("pipeline", _("Pipeline"), "kanban", "leads:pipeline"),
    Section("calendar", _("Calendar"), "calendar3", "meetings:calendar"),
    Section("calls", _("Calls"), "telephone", "calls:list"),
    Section("partners", _("Partners"), "building", "partners:list"),
    Section("reports", _("Reports"), "bar-chart", "reports:index"),
]


def section(key: str) -> Section | None:
    return next((s for s in SECTIONS if s.key == key), None)
