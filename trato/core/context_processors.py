from typing import Any

from django.http import HttpRequest

from trato.core.navigation import SECTIONS


def navigation(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current = request.path_info
    active = next((s.key for s in SECTIONS if s.is_built and current.startswith(s.url)), namespace)
    return {"nav_sections": SECTIONS, "nav_active": active}
