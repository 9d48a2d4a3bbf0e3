"""Pickers: a select that searches as you type, for fields whose choices are too many to list (100,000 partners).

Each app registers its pickers in its ``pickers.py`` (autodiscovered when the core app is ready). A picker answers
``GET /pick/<key>/?q=…`` with its first choices as JSON, searching only what the user may see (its ``choices``
function starts from ``visible_to``) and narrowed by the form's other fields that the widget forwards (the kind of
claim, the partner of a contact). The form keeps its ``ModelChoiceField`` and its queryset: that is what a posted
value is checked against. The widget renders only the chosen options, never the queryset, and the browser
(static/trato/trato.js, Tom Select) fetches the rest as the user types.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext

from trato.core.types import AnyUser
from trato.core.validation import is_record_id

LIMIT = 20  # choices a picker offers at a time: more than a dropdown shows, few enough to read in one query
MAX_QUERY = 100  # characters of a search; more is not a name or a code


@dataclass(frozen=True)
class Choice:
    value: str
    text: str
    detail: str = ""  # a second line: a partner's city and tax id, a contact's e-mail

    def as_json(self) -> dict[str, str]:
        return {"value": self.value, "text": self.text, "detail": self.detail}


@dataclass(frozen=True)
class Picker:
    key: str
    # (user, what was typed, the forwarded fields, limit) -> the first choices, among what the user may see.
    choices: Callable[[AnyUser, str, Mapping[str, str], int], Sequence[Choice]]
    # The text of a chosen record in the field, as the dropdown showed it.
    label: Callable[[Any], str] = str
    # Fields of the same form whose values the browser sends along (``kind`` narrows a claim's partner).
    forward: tuple[str, ...] = ()
    # Whether an empty search already offers choices (a partner's contacts, the people who may take a claim); a
    # search over 100,000 partners waits for what the user types.
    offers_without_query: bool = False


_pickers: dict[str, Picker] = {}


def register(picker: Picker) -> Picker:
    _pickers[picker.key] = picker
    return picker


def get(key: str) -> Picker | None:
    return _pickers.get(key)


def autodiscover() -> None:
    autodiscover_modules("pickers")


def search_text(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUERY]


def choices_for(picker: Picker, user: AnyUser, raw_query: str, forwarded: Mapping[str, str]) -> Sequence[Choice]:
    query = search_text(raw_query)
    if not query and not picker.offers_without_query:
        return []
    return picker.choices(user, query, {name: forwarded.get(name, "") for name in picker.forward}, LIMIT)


class PickerSelect(forms.Select):
    """A select that lists only its chosen options and tells the browser where to search for the others."""

    def __init__(self, picker: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.picker_key = picker

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        picker = _pickers[self.picker_key]
        attrs = {**(attrs or {}), "data-picker": reverse("core:pick", args=[picker.key])}
        if picker.forward:
            attrs["data-picker-forward"] = " ".join(picker.forward)
        if picker.offers_without_query:
            attrs["data-picker-preload"] = "true"
        else:
            attrs["data-picker-placeholder"] = gettext("Type to search…")
        attrs["data-picker-empty"] = gettext("Nothing found.")
        return super().get_context(name, value, attrs)

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        """The empty option and the chosen ones: ``self.choices`` is the whole queryset, read only for these."""
        chosen = [v for v in value if v not in ("", None)]
        queryset: QuerySet[Model] | None = getattr(self.choices, "queryset", None)
        records = list(queryset.filter(pk__in=_record_ids(chosen))) if queryset is not None and chosen else []
        label = _pickers[self.picker_key].label
        groups: list[Any] = []
        if not self.allow_multiple_selected:
            groups.append((None, [self.create_option(name, "", "", not chosen, 0)], 0))
        for index, record in enumerate(records, start=1):
            groups.append((None, [self.create_option(name, str(record.pk), label(record), True, index)], index))
        return groups


class PickerSelectMultiple(PickerSelect, forms.SelectMultiple):
    pass


def _record_ids(values: list[Any]) -> list[int]:
    return [int(value) for value in values if is_record_id(value)]


def pick(request: HttpRequest, key: str) -> JsonResponse:
    """``GET /pick/<key>/?q=…``: the picker's first choices for what was typed, as JSON (404: no such picker)."""
    picker = get(key)
    if picker is None:
        raise Http404
    found = choices_for(picker, request.user, request.GET.get("q", ""), request.GET)
    return JsonResponse({"results": [choice.as_json() for choice in found]})
