"""Bulk actions on the claims selected in the list (core.bulk): make someone responsible, change the category, add
someone to the people assigned. Each claim is changed by ``claim_update``, as its edit page does (its own lock,
version check and timeline entry), one claim at a time; a claim the service refuses is skipped with its reason."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trato.accounts.models import User
from trato.claims import services
from trato.claims.forms import active_users
from trato.claims.models import Category, Claim
from trato.core.bulk import BulkResult, Unchanged, apply_each, selected_rows
from trato.core.listing import MAX_QUERY_LENGTH

EXPORT = "export"
ACTIONS = (
    ("responsible", gettext_lazy("Make responsible")),
    ("category", gettext_lazy("Change the category")),
    ("assignee", gettext_lazy("Add to the people assigned")),
    (EXPORT, gettext_lazy("Export the selection (CSV)")),
)
NEEDS = {  # what each action needs chosen, and the message when it is not
    "responsible": ("responsible", gettext_lazy("Choose who will be responsible.")),
    "category": ("category", gettext_lazy("Choose the category.")),
    "assignee": ("assignee", gettext_lazy("Choose the person to add.")),
}


class BulkForm(forms.Form):
    """The action and its value. People are posted by username, as the list's filters name them."""

    action = forms.ChoiceField(choices=ACTIONS)
    responsible = forms.ModelChoiceField(queryset=User.objects.none(), to_field_name="username", required=False)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False)
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), to_field_name="username", required=False)
    next = forms.CharField(required=False, max_length=20 * MAX_QUERY_LENGTH)  # the list's query string

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = self.fields["assignee"].queryset = active_users()  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.visible_to(user).filter(is_active=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        field, message = NEEDS.get(data.get("action", ""), ("", ""))
        if field and not data.get(field) and field not in self.errors:
            self.add_error(field, str(message))
        return data


def _make_responsible(person: User, by: User) -> Callable[[Claim], None]:
    def change(claim: Claim) -> None:
        if claim.responsible_id == person.pk:
            raise Unchanged(_("%(name)s is already responsible.") % {"name": person})
        services.claim_update(claim=claim, by=by, data={"responsible": person.pk}, version=claim.version)

    return change


def _set_category(category: Category, by: User) -> Callable[[Claim], None]:
    def change(claim: Claim) -> None:
        if claim.category_id == category.pk:
            raise Unchanged(_("It already is in this category."))
        services.claim_update(claim=claim, by=by, data={"category": category.pk}, version=claim.version)

    return change


def _add_assignee(person: User, by: User) -> Callable[[Claim], None]:
    def change(claim: Claim) -> None:
        assigned = [user.pk for user in claim.assignees.all()]  # prefetched; a newer version is refused by the lock
        if person.pk in assigned:
            raise Unchanged(_("%(name)s is already assigned.") % {"name": person})
        services.claim_update(claim=claim, by=by, data={"assignees": [*assigned, person.pk]}, version=claim.version)

    return change


def claims_bulk_change(*, by: User, ids: list[int], action: str, value: Any) -> BulkResult:
    """Apply ``action`` with ``value`` (a user or a category) to each selected claim the user may change."""
    changes: dict[str, Callable[[Any, User], Callable[[Claim], None]]] = {
        "responsible": _make_responsible, "category": _set_category, "assignee": _add_assignee,
    }  # fmt: skip
    queryset = Claim.objects.all()
    if action == "assignee":
        queryset = queryset.prefetch_related("assignees")
    rows = selected_rows(queryset, by, ids)
    return apply_each(
        rows, changes[action](value, by), label=lambda claim: claim.number,
        read_only_reason=_("Your role may only read this claim."),
    )  # fmt: skip
