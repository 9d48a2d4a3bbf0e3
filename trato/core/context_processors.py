from typing import Any

from django.http import HttpRequest

from trato.core import worklist
from trato.core.navigation import SECTIONS, Section


class NavLink:
    """A section as the navigation shows it, with the count of the work waiting for the user there
    (``trato.core.worklist``): read only when a page shows the navigation, once per request."""

    def __init__(self, section: Section, request: HttpRequest) -> None:
        self.section = section
        self.key, self.label, self.icon = section.key, section.label, section.icon
        self._request = request

    @property
    def url(self) -> str:
        return self.section.url

    @property
    def is_built(self) -> bool:
        return self.section.is_built

    @property
    def work(self) -> worklist.NavCount | None:
        return worklist.nav_counts(self._request).get(self.key)


def navigation(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current = request.path_info
    active = next((s.key for s in SECTIONS if s.is_built and current.startswith(s.url)), namespace)
    return {"nav_sections": [NavLink(section, request) for section in SECTIONS], "nav_active": active}
