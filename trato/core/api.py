"""What every API endpoint shares: authentication, one error body, pagination and sorting."""

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from trato.core.errors import DomainError, FieldErrors, InvalidInput
from trato.core.listing import (
    BadCursor,
    ListParams,
    ListSpec,
    RelatedFirst,
    counted,
    cursor_after,
    keyset_order,
    page_rows,
    rows_after,
)

if TYPE_CHECKING:
    from trato.accounts.models import User


class ErrorOut(Schema):
    status: int
    code: str
    message: str
    fields: dict[str, list[str]] = {}


def error_body(status: int, code: str, message: object, fields: FieldErrors | None = None) -> dict[str, Any]:
    return {"status": status, "code": code, "message": str(message), "fields": fields or {}}


def _activate_user_preferences(request: HttpRequest, user: "User") -> None:
    """A token request never passed through UserPreferencesMiddleware with its user: do its work here."""
    if user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <personal API token>``."""

    def authenticate(self, request: HttpRequest, token: str) -> "User | None":
        from trato.accounts.tokens import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
            _activate_user_preferences(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; unsafe methods need the CSRF token as for any form."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing to protect from CSRF: let the request fail as
        # unauthenticated (401) rather than with a CSRF error, e.g. for a script with a revoked token.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


# Validation error types from pydantic, mapped to messages users can read in their language.
_TYPE_MESSAGES = {
    "missing": gettext_noop("This field is required."),
    "string_too_long": gettext_noop("This value is too long."),
    "string_too_short": gettext_noop("This value is too short."),
    "greater_than_equal": gettext_noop("This value is too small."),
    "less_than_equal": gettext_noop("This value is too large."),
    "greater_than": gettext_noop("This value is too small."),
    "less_than": gettext_noop("This value is too large."),
    "extra_forbidden": gettext_noop("This field is not allowed."),
    "date_parsing": gettext_noop("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_noop("Enter a date and time in ISO 8601, such as 2026-03-01T09:30:00+01:00."),
}


def _field_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind in {"literal_error", "enum"}:
        # pydantic's context spells the allowed values as "'a', 'b' or 'c'"; the message lists them plainly.
        allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        return _("Choose one of: %(values)s.") % {"values": ", ".join(value or '""' for value in allowed)}
    if kind in _TYPE_MESSAGES:
        return _(_TYPE_MESSAGES[kind])
    if kind.endswith(("_parsing", "_type")) or kind.startswith(("date", "time", "int", "float", "bool")):
        return _("Enter a valid value.")
    return _("Enter a valid value.")


def _field_name(loc: Sequence[object]) -> str:
    # loc is ("body", <parameter>, "field", ...) for a JSON body, ("query", "page_size") for a query string:
    # drop the source and, for a body, the parameter name, keeping the field path.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "form", "file"} and len(parts) > 2:
        parts = parts[2:]
    elif parts and parts[0] in {"body", "query", "path", "form", "header", "cookie", "file"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def validation_fields(errors: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_field_message(error))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(
        request: HttpRequest, status: int, code: str, message: object, fields: FieldErrors | None = None
    ) -> HttpResponse:
        return api.create_response(request, error_body(status, code, message, fields), status=status)

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 422, "validation_error", _("Some fields are not valid."), validation_fields(exc.errors))

    @api.exception_handler(DomainError)
    def on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        fields = {name: [str(m) for m in messages] for name, messages in exc.fields.items()}
        return respond(request, exc.status, exc.code, exc.message, fields)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, "too_large", _("The request is too large."))

    @api.exception_handler(TooManyFilesSent)
    def on_too_many_files(request: HttpRequest, exc: TooManyFilesSent) -> HttpResponse:
        return respond(request, 400, "too_many_files", _("Too many files in one request."))

    @api.exception_handler(TooManyFieldsSent)
    def on_too_many_fields(request: HttpRequest, exc: TooManyFieldsSent) -> HttpResponse:
        return respond(request, 400, "too_many_fields", _("Too many fields in one request."))

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = {k: [str(m) for m in v] for k, v in getattr(exc, "message_dict", {"__all__": exc.messages}).items()}
        return respond(request, 422, "validation_error", _("Some fields are not valid."), fields)

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, "unauthorized", _("Authentication is required: log in or send an API token."))

    @api.exception_handler(Http404)
    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, RequestDataTooBig):
            return respond(request, 413, "too_large", _("The request is too large."))
        if exc.status_code == 400:
            return respond(request, 400, "bad_request", _("The request body is not valid JSON."))
        if exc.status_code == 403:  # ninja's CSRF refusal for session-authenticated writes
            return respond(request, 403, "csrf_failed", _("The CSRF token is missing or wrong: reload the page."))
        return respond(request, exc.status_code, "error", exc.message)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    """pydantic also reads numbers (Unix time) and other spellings as dates: the API takes YYYY-MM-DD only."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_parsing", "Enter a date as YYYY-MM-DD.")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")


def _iso_datetime_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATETIME.fullmatch(value):
        raise PydanticCustomError("datetime_parsing", "Enter a date and time in ISO 8601.")
    return value


IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime_text)]


class PageIn(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(25, ge=1, le=settings.TRATO_API_MAX_PAGE_SIZE)
    cursor: str | None = Field(
        None,
        max_length=1000,
        description="continue after a page: the next_cursor of the page before (page is then ignored); as fast at "
        "any depth, for lists sorted by a field that is never empty",
    )


ItemOut = TypeVar("ItemOut")


class Page(Schema, Generic[ItemOut]):
    """One page of any list: ``response=Page[PartnerOut]`` (named ``PartnerOutPage`` in the OpenAPI schema)."""

    count: int = Field(description="how many records match, counted up to a limit (see count_is_exact)")
    count_is_exact: bool = Field(description="false when more records match than were counted (count is the limit)")
    has_next: bool = Field(description="whether a next page has records")
    next_cursor: str | None = Field(
        description="pass as cursor to read the next page from this one (none on the last page, or when the list's "
        "sort cannot be continued that way)"
    )
    page: int
    page_size: int
    items: list[ItemOut]

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        return f"{getattr(params[0], '__name__', params[0])}Page"


def paginate(queryset: "QuerySet[Any] | RelatedFirst", page: PageIn) -> dict[str, Any]:
    """One bounded COUNT and one SELECT whatever the page size (two on deep pages: core.listing.page_rows); with a
    cursor, the rows after it through the sort's index, at any depth."""
    count, exact = counted(queryset)
    order = keyset_order(queryset)
    if page.cursor:
        if order is None or isinstance(queryset, RelatedFirst):
            message = _("This list's sort cannot be continued with a cursor: use page numbers.")
            raise InvalidInput(message, fields={"cursor": [message]})
        try:
            queryset = rows_after(queryset, order, page.cursor)
        except BadCursor as error:
            message = _("This cursor is not one of this list's: start again without it.")
            raise InvalidInput(message, fields={"cursor": [message]}) from error
        start = 0
    else:
        start = (page.page - 1) * page.page_size
    # A page past the last row (the last call of a sync by page numbers) is known empty without walking to it; one
    # row more than the page tells whether there is a next page.
    empty = _past_the_end(queryset, start, count, exact)
    rows = [] if empty else page_rows(queryset, start, page.page_size + 1)
    items = rows[: page.page_size]
    has_next = len(rows) > page.page_size
    return {
        "count": count,
        "count_is_exact": exact,
        "has_next": has_next,
        "next_cursor": cursor_after(items[-1], order) if has_next and order else None,
        "page": page.page,
        "page_size": page.page_size,
        "items": items,
    }


def _past_the_end(queryset: "QuerySet[Any] | RelatedFirst", start: int, count: int, exact: bool) -> bool:
    """Whether a page starts after the last row: known from the count when it is exact; past the counting limit,
    a count up to the page's start tells, which reads the matching rows once instead of walking the sort's index
    through every row of the table to find none."""
    if exact:
        return start >= count
    if start < count:
        return False
    reached, _exact = counted(queryset, limit=start + 1)
    return reached <= start


def list_params(
    spec: ListSpec, *, q: str = "", sort: str | None = None, filters: dict[str, Any] | None = None
) -> ListParams:
    """The API's list query as the list page's ListParams, so both read through the same selector.

    The page ignores a sort key it does not know (a stale bookmark still opens); the API refuses it, since a
    program that sends a wrong key wants to know."""
    sort = sort or spec.default_sort
    if sort.removeprefix("-") not in spec.sorts:
        raise DomainError(
            _("Unknown sort key. Use one of: %(keys)s.") % {"keys": ", ".join(sorted(spec.sorts))},
            code="invalid_sort",
            fields={"sort": [_("Unknown sort key.")]},
        )
    return ListParams(q=q, sort=sort, page="1", filters={k: str(v) for k, v in (filters or {}).items()})


# What the OpenAPI schema says each operation may answer besides its success, in the ErrorOut body.
_ERROR_DESCRIPTIONS = {
    400: "Bad request: body not JSON, unknown sort key, or a move the procedure refuses now.",
    401: "Not authenticated: log in or send an API token.",
    403: "You may see the record but not change it, or the CSRF token is missing (session callers).",
    404: "The record does not exist or you may not see it (the two are never told apart).",
    409: "Someone changed the record since you read it, or its state does not allow this change.",
    413: "The request is too large.",
    422: "Some fields are not valid: `fields` names each and says why.",
    503: "The database is unavailable: retry later.",
}
_WRITE_METHODS = {"post", "put", "patch", "delete"}


def _error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    statuses = [401, 503]
    if operation.get("parameters") or operation.get("requestBody"):
        statuses += [400, 422]
    if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
        statuses.append(404)
    if method in _WRITE_METHODS:
        statuses += [403, 409, 413]
    return sorted(set(statuses))


def declare_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers to every operation of an OpenAPI schema, so clients and schemathesis know them."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(method, operation):
                responses.setdefault(str(status), {"description": _ERROR_DESCRIPTIONS[status], "content": body})
    return schema


class TratoAPI(NinjaAPI):
    """NinjaAPI whose schema declares the error answers every operation may give."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_error_responses(schema)  # in place: the schema object stays ninja's OpenAPISchema
        return schema
