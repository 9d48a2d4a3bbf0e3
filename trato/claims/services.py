"""Writes to claims, shared by the pages, the API, the mail gateway and the demo.

Each service checks that ``by`` may make the change (kind of claim, editable_by), opens one durable transaction
(trato.core.services), locks the claim (refusing a stale version), saves only the changed fields, and writes the
change to the claim's timeline. Moves go through the claim workflow (workflow.py) on the generic engine.
Mail is written to the outbox in the same transaction, so a refused or rolled-back change sends nothing; the worker
sends it after commit. Origins, causes, actions and repairs live in subresources.py and are re-exported here.
"""

import contextlib
import copy
from collections.abc import Iterable
from datetime import date, timedelta
from typing import cast

from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from trato.accounts.models import SalesTeam, User
from trato.accounts.selectors import assignable_users
from trato.claims import access, workflow
from trato.claims.models import NUMBER_PREFIX, Category, Channel, Claim, Kind, Resolution
from trato.claims.subresources import (  # noqa: F401 (re-exported: callers import services only)
    action_add,
    action_remove,
    action_update,
    cause_add,
    cause_remove,
    origin_add,
    origin_remove,
    origins_create,
    repair_add,
    repair_remove,
    repair_update,
)  # fmt: skip
from trato.claims.validation import ensure_recordable
from trato.core import events
from trato.core.concurrency import save_new_version
from trato.core.errors import (  # noqa: F401 (InvalidState, MoveRefused re-exported: callers import services)
    Conflict,
    InvalidInput,
    InvalidState,
    MoveRefused,
    NotAllowed,
)  # fmt: skip
from trato.core.services import lock_for_change, service_transaction
from trato.core.validation import is_record_id, model_errors, raise_if_any, unknown_fields
from trato.numbering.services import next_number
from trato.partners.models import Contact, Partner

# What a caller may set; anything else in `data` is refused rather than silently ignored.
CLAIM_FIELDS = (
    "subject", "partner", "contact", "responsible", "team", "category", "priority", "description", "channel",
    "received_on", "deadline", "external_ref", "resolution", "resolution_notes", "resolution_cost",
)  # fmt: skip
CREATE_INPUTS = {*CLAIM_FIELDS, "kind", "assignees", "origins"}
UPDATE_INPUTS = {*CLAIM_FIELDS, "assignees"}
TEXT_FIELDS = ("subject", "description", "resolution_notes")


class DuplicateReference(InvalidInput):
    code = "duplicate_reference"


# Turning input into related records


def _pk(value):
    return value.pk if isinstance(value, models.Model) else value


def _pick(queryset, value):
    """The record of ``queryset`` that ``value`` (a record or a primary key) names, or None."""
    pk = _pk(value)
    return queryset.filter(pk=pk).first() if is_record_id(pk) else None


def _partner_error(claim: Claim, partner: Partner) -> str | None:
    if claim.kind == Kind.CUSTOMER and not (partner.is_customer or partner.is_prospect):
        return _("%(name)s is not a customer: a customer claim needs a customer.") % {"name": partner.name}
    if claim.kind == Kind.SUPPLIER and not partner.is_supplier:
        return _("%(name)s is not a supplier: a supplier claim needs a supplier.") % {"name": partner.name}
    return None


def _set_partner(claim: Claim, value, by) -> str | None:
    partner = _pick(Partner.objects.visible_to(by), value) if value not in (None, "") else None
    if value not in (None, "") and partner is None:
        return _("Choose a customer or supplier you can see.")
    error = _partner_error(claim, partner) if partner else None
    if error is None:
        claim.partner = partner
    return error


def _set_contact(claim: Claim, value) -> str | None:
    if value in (None, ""):
        claim.contact = None
        return None
    if claim.partner_id is None:
        return _("Choose the customer or supplier first.")
    contact = _pick(Contact.objects.filter(partner_id=claim.partner_id), value)
    if contact is None:
        return _("Choose one of this customer's or supplier's contacts.")
    claim.contact = contact
    return None


def _set_user(claim: Claim, field: str, value) -> str | None:
    user = _pick(assignable_users(), value) if value not in (None, "") else None
    if value not in (None, "") and user is None:
        return _("Choose an active user.")
    setattr(claim, field, user)
    return None


def _set_team(claim: Claim, value) -> str | None:
    team = _pick(SalesTeam.objects.all(), value) if value not in (None, "") else None
    if value not in (None, "") and team is None:
        return _("Choose an existing team.")
    claim.team = team
    return None


def _set_category(claim: Claim, value) -> str | None:
    if value in (None, ""):
        claim.category = None
        return None
    usable = Category.objects.filter(kind=claim.kind).filter(models.Q(is_active=True) | models.Q(pk=claim.category_id))
    category = _pick(usable, value)
    if category is None:
        return _("Choose an active category for this kind of claim.")
    claim.category = category
    return None


def _assignees(values) -> tuple[list[User], str | None]:
    given = [_pk(value) for value in values or ()]
    if not all(is_record_id(pk) for pk in given):
        return [], _("Choose active users only.")
    pks = {int(pk) for pk in given}
    users = list(assignable_users().filter(pk__in=pks))
    return users, (_("Choose active users only.") if len(users) != len(pks) else None)


RELATED_SETTERS = {
    "partner": lambda claim, value, by: _set_partner(claim, value, by),
    "contact": lambda claim, value, by: _set_contact(claim, value),
    "responsible": lambda claim, value, by: _set_user(claim, "responsible", value),
    "team": lambda claim, value, by: _set_team(claim, value),
    "category": lambda claim, value, by: _set_category(claim, value),
}


def _apply(claim: Claim, data: dict, *, by, allowed: set[str]) -> dict[str, list[str]]:
    """Set the given fields on ``claim``; return the field errors found (nothing is saved)."""
    unknown_fields(data, allowed)
    errors = {}
    for field in CLAIM_FIELDS:  # partner before contact: the contact must be one of the partner's
        if field not in data:
            continue
        value = data[field]
        if field in RELATED_SETTERS:
            if _pk(value) == getattr(claim, f"{field}_id") and field != "contact":
                continue  # unchanged: an earlier choice stays valid even if it would not be offered now
            error = RELATED_SETTERS[field](claim, value, by)
            if error:
                errors[field] = [error]
        elif field in TEXT_FIELDS:
            setattr(claim, field, (value or "").strip())
        elif field == "external_ref":
            claim.external_ref = (value or "").strip() or None
        else:
            setattr(claim, field, value)
    return errors


def _default_deadline(claim: Claim) -> None:
    days = claim.category.default_deadline_days if claim.category else None
    if claim.deadline is None and days is not None and isinstance(claim.received_on, date):
        with contextlib.suppress(OverflowError):  # a date received near year 9999: _validate refuses it
            claim.deadline = claim.received_on + timedelta(days=days)


def _date_errors(claim: Claim) -> dict[str, list[str]]:
    if claim.received_on and claim.received_on > timezone.localdate():
        return {"received_on": [_("The date received cannot be in the future.")]}
    if claim.deadline and claim.received_on and claim.deadline < claim.received_on:
        return {"deadline": [_("The deadline cannot be before the date received.")]}
    return {}


def _validate(claim: Claim, errors: dict[str, list[str]]) -> None:
    errors = {**model_errors(claim, exclude=["number", "created_by", "version"]), **errors}
    raise_if_any(errors or _date_errors(claim))


def _check_people_see_it(claim: Claim, assignees: list[User]) -> None:
    """The responsible and the people assigned must work on this kind of claim (access.TAKER_ROLES, what the claim
    form's people picker offers) and be able to open the claim they are given."""
    people = [("responsible", claim.responsible)] if claim.responsible else []
    people += [("assignees", user) for user in assignees]
    named = User.objects.filter(access.takers_condition([claim.kind]), pk__in=[user.pk for _field, user in people])
    takers = set(named.values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    for field, user in people:
        if user.pk not in takers or not Claim.objects.visible_to(user).filter(pk=claim.pk).exists():
            message = _("%(name)s's role does not cover this kind of claim.") % {"name": user.get_full_name() or user}
            errors.setdefault(field, []).append(message)
    raise_if_any(errors)


# Timeline


# The timeline names the other party and the resolution's notes in the words of the claim's kind ("Supplier: — →
# Acme"), not with the fields' labels ("customer / supplier", "resolution given to the customer"). A name that is
# not a field's is shown as its source-language label (underscores for spaces), translated.
TRACKED_AS: dict[str, dict[str, str]] = {
    Kind.CUSTOMER: {"partner": "customer"},
    Kind.SUPPLIER: {"partner": "supplier", "resolution_notes": "resolution_agreed_with_the_supplier"},
    Kind.INTERNAL: {"partner": "company", "resolution_notes": "resolution_details"},
}
TRACKED_LABELS = (gettext_noop("customer"), gettext_noop("supplier"), gettext_noop("company"),
                  gettext_noop("resolution agreed with the supplier"), gettext_noop("resolution details"))  # fmt: skip


def claim_snapshot(claim: Claim) -> dict:
    """The tracked fields' values (related records as objects): the timeline compares and shows them."""
    tracked_as = TRACKED_AS.get(claim.kind, {})
    values = {tracked_as.get(field, field): getattr(claim, field) for field in CLAIM_FIELDS}
    values["assignees"] = list(claim.assignees.all()) if claim.pk else []
    return values


def _record_changes(*, record, by, before: dict, after: dict) -> None:
    from trato.timeline.services import changes_record

    changes_record(record=record, by=by, before=before, after=after)


def _record_created(*, record, by) -> None:
    from trato.timeline.services import created_record

    created_record(record=record, by=by)


def _announce_given(claim: Claim, *, by, responsible_before: int | None, assignees_before, assignees) -> None:
    """Emit claim.assigned (after commit) naming who someone else just made responsible or assigned: taking a claim
    yourself tells nobody anything."""
    given = {claim.responsible_id} if claim.responsible_id != responsible_before else set()
    earlier = {user.pk for user in assignees_before}
    given |= {user.pk for user in assignees if user.pk not in earlier}
    given -= {None, by.pk}
    if given:
        events.emit(workflow.ASSIGNED, record=claim, by=by, data={"users": sorted(given)})


# Creating


def _check_kind(kind, by) -> None:
    if kind not in Kind.values:
        raise InvalidInput(fields={"kind": [_("Choose a customer claim, a supplier claim or an internal one.")]})
    if not access.may_create(by, kind):
        raise NotAllowed(_("Your role may not create this kind of claim."), fields={"kind": [_("Not allowed.")]})


def _same_reference(claim: Claim):
    """Claims of the same kind with the same ERP reference: the scope in which a reference is unique."""
    return Claim.objects.filter(kind=claim.kind, external_ref=claim.external_ref).exclude(pk=claim.pk)


def _check_reference_free(claim: Claim) -> None:
    if claim.external_ref and _same_reference(claim).exists():
        raise _duplicate_reference()


def _duplicate_reference() -> DuplicateReference:
    message = _("Another claim already has this ERP reference.")
    return DuplicateReference(message, fields={"external_ref": [message]})


def claim_create(*, by: User, data: dict) -> Claim:
    """A new draft claim with its number, origin documents and people assigned."""
    _check_kind(data.get("kind"), by)
    claim = Claim(kind=data["kind"], created_by=by)
    errors = _apply(claim, data, by=by, allowed=CREATE_INPUTS)
    assignees, assignee_error = _assignees(data.get("assignees"))
    if assignee_error:
        errors["assignees"] = [assignee_error]
    _default_deadline(claim)
    _validate(claim, errors)
    _check_reference_free(claim)
    try:
        with service_transaction():
            claim.number = next_number(prefix=NUMBER_PREFIX[Kind(claim.kind)])
            claim.save()
            claim.assignees.set(assignees)
            _check_people_see_it(claim, assignees)
            origins_create(claim=claim, origins=data.get("origins") or ())
            _record_created(record=claim, by=by)
            _announce_given(claim, by=by, responsible_before=None, assignees_before=(), assignees=assignees)
    except IntegrityError as exc:  # the same ERP reference saved at the same moment
        if claim.external_ref and _same_reference(claim).exists():
            raise _duplicate_reference() from exc
        raise
    return claim


def claim_create_from_erp(*, by: User, data: dict) -> tuple[Claim, bool]:
    """Idempotent on the ERP's reference: the same reference again returns the first claim (created False).

    The reference is unique per kind, and whoever may create a kind sees every claim of it: the answer never
    depends on claims the caller may not see (a reference used by a claim of another kind is simply free)."""
    ref = (data.get("external_ref") or "").strip()
    if not ref:
        raise InvalidInput(fields={"external_ref": [_("The ERP reference is required.")]})
    _check_kind(data.get("kind"), by)
    data = {"channel": Channel.API, **data, "external_ref": ref}
    for _attempt in range(2):
        existing = Claim.objects.filter(kind=data["kind"], external_ref=ref).first()
        if existing is not None:
            return _existing_for(existing, by), False
        try:
            return claim_create(by=by, data=data), True
        except DuplicateReference:
            continue  # created by a retry running at the same moment: answer with that one
    raise Conflict()


def _existing_for(claim: Claim, by) -> Claim:
    if not Claim.objects.visible_to(by).filter(pk=claim.pk).exists():
        # Cannot happen while creators see their whole kind (access.py); if a rule ever changes that, answer as
        # to someone who may not create this kind, which says nothing about the reference.
        raise NotAllowed(_("Your role may not create this kind of claim."), fields={"kind": [_("Not allowed.")]})
    return claim


# Changing


def _save(claim: Claim, fields: Iterable[str]) -> None:
    save_new_version(claim, fields)


def _changed_fields(before: Claim, after: Claim) -> list[str]:
    fields = [cast(models.Field, Claim._meta.get_field(name)) for name in (*CLAIM_FIELDS, "reminder_sent_on")]
    attnames = {field.name: field.attname for field in fields}
    return [name for name, attname in attnames.items() if getattr(before, attname) != getattr(after, attname)]


def _update_locked(locked: Claim, *, by: User, data: dict) -> Claim:
    """Change the given fields of a locked, draft or open claim (the caller holds the transaction)."""
    ensure_recordable(locked)
    original, before = copy.copy(locked), claim_snapshot(locked)
    errors = _apply(locked, data, by=by, allowed=UPDATE_INPUTS)
    assignees = before["assignees"]
    if "assignees" in data:
        assignees, assignee_error = _assignees(data["assignees"])
        errors.update({"assignees": [assignee_error]} if assignee_error else {})
    _default_deadline(locked)
    _validate(locked, errors)
    if locked.deadline != original.deadline:
        locked.reminder_sent_on = None  # a new deadline earns a new reminder
    if locked.external_ref != original.external_ref:
        _check_reference_free(locked)
    fields = _changed_fields(original, locked)
    after = {**claim_snapshot(locked), "assignees": assignees}
    if fields or "assignees" in data:
        _save(locked, fields)
        locked.assignees.set(assignees)
        _check_people_see_it(locked, assignees)
        _record_changes(record=locked, by=by, before=before, after=after)
        _announce_given(
            locked, by=by, responsible_before=original.responsible_id, assignees_before=before["assignees"],
            assignees=assignees,
        )  # fmt: skip
    return locked


def claim_update(*, claim: Claim, by: User, data: dict, version: int | None) -> Claim:
    """Change the given fields of a draft or open claim. ``version`` is the one the caller read."""
    if "kind" in data and data["kind"] != claim.kind:
        raise InvalidInput(fields={"kind": [_("The kind of a claim cannot change; create a new claim instead.")]})
    data = {k: v for k, v in data.items() if k != "kind"}
    with service_transaction():
        locked = lock_for_change(claim, by=by, version=version)
        return _update_locked(locked, by=by, data=data)


# Moves


def claim_move(
    *, claim: Claim, by: User, move: str, version: int | None = None, reason: str = "", closing_note: str = "",
    acknowledge: bool = False,
) -> Claim:  # fmt: skip
    """Open, close, cancel or reopen. A refused move raises MoveRefused listing what is missing.

    Opening notifies the responsible person and, with ``acknowledge``, mails the customer an acknowledgement in
    their language; both are written to the outbox in this transaction and sent after it commits."""
    inputs: dict[str, str | bool] = {"reason": (reason or "").strip(), "closing_note": (closing_note or "").strip()}
    inputs["acknowledge"] = acknowledge
    with service_transaction():
        locked = lock_for_change(claim, by=by, version=version)
        workflow.CLAIM_WORKFLOW.apply(locked, move, by=by, inputs=inputs, save=_save)
    return locked


RESOLUTION_FIELDS = ("resolution", "resolution_notes", "resolution_cost")


def claim_close(
    *, claim: Claim, by: User, version: int | None = None, resolution: str, resolution_notes: str = "",
    resolution_cost=None, closing_note: str,
) -> Claim:  # fmt: skip
    """Record the resolution given and close, in one transaction: a refused close keeps nothing, not even the
    resolution. MoveRefused lists everything still missing (causes, actions, the resolution, the closing note)."""
    data = dict(zip(RESOLUTION_FIELDS, (resolution or "", resolution_notes or "", resolution_cost), strict=True))
    if data["resolution"] and data["resolution"] not in Resolution.values:
        raise InvalidInput(fields={"resolution": [_("Choose one of the resolutions offered.")]})
    with service_transaction():
        locked = lock_for_change(claim, by=by, version=version)
        workflow.CLAIM_WORKFLOW.leaves_from_here(locked, "close")  # e.g. already closed: refuse before editing
        if any(getattr(locked, name) != value for name, value in data.items()):
            _update_locked(locked, by=by, data=data)
        workflow.CLAIM_WORKFLOW.apply(locked, "close", by=by, inputs={"closing_note": closing_note or ""}, save=_save)
    return locked


# Categories


CATEGORY_INPUTS = {"kind", "name", "default_deadline_days", "is_active"}


def category_save(*, by: User, data: dict, category: Category | None = None) -> Category:
    """Create (``category`` None) or change a category of a kind of claim the user configures."""
    unknown_fields(data, CATEGORY_INPUTS)
    kind = data.get("kind", category.kind if category else None)
    if (category and not access.may_configure(by, category.kind)) or not access.may_configure(by, kind):
        raise NotAllowed(_("Your role may not configure the categories of this kind of claim."))
    if category and kind != category.kind and category.claims.exists():
        raise InvalidInput(fields={"kind": [_("Claims use this category: its kind cannot change.")]})
    with service_transaction():
        record = Category.objects.select_for_update().get(pk=category.pk) if category else Category()
        record.kind = kind
        for field in ("name", "default_deadline_days", "is_active"):
            if field in data:
                setattr(record, field, data[field].strip() if field == "name" and data[field] else data[field])
        raise_if_any(model_errors(record))
        if Category.objects.filter(kind=kind, name__iexact=record.name).exclude(pk=record.pk).exists():
            raise InvalidInput(fields={"name": [_("This kind of claim already has a category with this name.")]})
        record.save()
    return record
