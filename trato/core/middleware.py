import logging
import re
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

GetResponse = Callable[[HttpRequest], HttpResponse]


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a login, except the ones marked login_not_required and the API,
    which authenticates on its own (session or token) and answers 401 in its error shape."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class UserPreferencesMiddleware:
    """A signed-in user's own language and time zone win over the browser's."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


# A NUL byte is never meaningful in text: PostgreSQL refuses it (a 500 deep in a query) and SQLite would store it.
NUL = "\x00"
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)
_TEXT_BODIES = ("application/json", "text/")


def _has_nul(values: Iterable[object]) -> bool:
    return any(NUL in value for value in values if isinstance(value, str))


def _query_has_nul(querydict: QueryDict) -> bool:
    return any(NUL in key or _has_nul(values) for key, values in querydict.lists())


def _headers_have_nul(request: HttpRequest) -> bool:
    return _has_nul(value for key, value in request.META.items() if key.startswith(("HTTP_", "CONTENT_")))


def _body_has_nul(request: HttpRequest) -> bool:
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith(_TEXT_BODIES):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        if size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return False  # too large: the view refuses it with its own answer
        return b"\x00" in request.body or bool(_JSON_NUL.search(request.body))
    if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(("multipart/", "application/x-www")):
        try:
            return _query_has_nul(request.POST)  # field values only: uploaded files may hold any byte
        except (SuspiciousOperation, MultiPartParserError, RequestDataTooBig, UnicodeDecodeError):
            # A malformed or oversized body is the view's to refuse, with its usual answer.
            return False
    return False


def carries_nul(request: HttpRequest) -> bool:
    return (
        NUL in request.path_info or _query_has_nul(request.GET) or _headers_have_nul(request) or _body_has_nul(request)
    )


class RefuseNulBytesMiddleware:
    """Refuse any request with a NUL byte in its path, query, headers, form fields or text body: 400, nothing done."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            return self._refusal(request)
        return self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse:
        message = _("The request contains a NUL character, which Trato does not accept. Remove it and try again.")
        if request.path_info.startswith("/api/"):
            from trato.core.api import error_body

            return JsonResponse(error_body(400, "nul_character", message), status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def database_unavailable(request: HttpRequest, exception: BaseException | None) -> HttpResponse | None:
    """The 503 answer for a lost database (None for any other error): the usual error body on the API."""
    if not isinstance(exception, OperationalError | InterfaceError):
        return None
    logger.error("Database unavailable while serving %s", request.path, exc_info=exception)
    message = _("The database is not reachable right now. Nothing was changed: try again in a moment.")
    if request.path_info.startswith("/api/"):
        from trato.core.api import error_body

        response: HttpResponse = JsonResponse(error_body(503, "database_unavailable", message), status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """A lost database answers 503 (try again later), not a 500 that looks like a bug. Errors raised before the
    view (loading the session or the user) reach ``trato.core.views.server_error`` instead, which does the same."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_unavailable(request, exception)


class ApiErrorBodyMiddleware:
    """Every /api/ answer that Django or django-ninja gave as HTML (an unknown path, a wrong method) gets the API's
    one error body instead, so that clients parse every error the same way."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _accept_trailing_slash(request)
        response = self.get_response(request)
        is_json = response.get("Content-Type", "").startswith("application/json")
        if not request.path_info.startswith("/api/") or is_json or response.status_code not in (404, 405):
            return response
        from trato.core.api import error_body

        if response.status_code == 405:
            allowed = ", ".join(sorted(method.strip() for method in response["Allow"].split(",")))
            message = _("This method is not allowed here. Allowed: %(methods)s.") % {"methods": allowed}
            replacement = JsonResponse(error_body(405, "method_not_allowed", message), status=405)
            replacement["Allow"] = allowed
            return replacement
        return JsonResponse(error_body(404, "not_found", _unknown_path_message(request.path_info)), status=404)


def _accept_trailing_slash(request: HttpRequest) -> None:
    """/api/v1/partners/ answers as /api/v1/partners: clients (and our README) write either."""
    path = request.path_info
    if path.startswith("/api/") and path.endswith("/") and not _resolves(path) and _resolves(path.rstrip("/")):
        request.path_info = path.rstrip("/")


def _unknown_path_message(path: str) -> str:
    return _("Unknown API path. The reference is at /api/v1/docs.")


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
