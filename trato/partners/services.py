"""Writes to partners and contacts, shared by the pages and the API.

Each service checks permission (partners/access.py), opens one durable transaction (trato.core.services), locks
the row it changes (refusing a stale version), normalises what users type (phones to E.164, tax ids, emails), saves
only the changed fields, and writes the changes of tracked fields to the record's timeline ("Created" for a new one).
"""

import copy
import uuid
from collections.abc import Iterable

import phonenumbers
from django.db.models import Q
from django.utils.translation import gettext as _

from trato.accounts.models import User
from trato.accounts.roles import PURCHASING, SALES, roles_of
from trato.core import events
from trato.core.concurrency import save_new_version
from trato.core.errors import InvalidInput, InvalidState, NotAllowed
from trato.core.services import composed, lock_for_change, lock_key, may_change, service_transaction
from trato.core.validation import field_max_length, model_errors, raise_if_any, unknown_fields
from trato.partners.access import creatable_kinds
from trato.partners.duplicates import name_key, normalise_email, normalise_tax_id
from trato.partners.models import KIND_LABELS, KINDS, Contact, Partner, Tag
from trato.partners.phones import normalise as normalise_phone

# What a caller may set; anything else in `data` is refused rather than silently ignored.
PARTNER_FIELDS = (
    "name", "ref", "tax_id", "email", "invoice_email", "phone", "mobile", "website", "street", "street2",
    "postal_code", "city", "state", "country", "language", "salesperson", "purchasing_responsible", "notes",
)  # fmt: skip
PARTNER_INPUTS = {*PARTNER_FIELDS, "kinds", "tags"}
CONTACT_FIELDS = (
    "first_name", "last_name", "job_title", "department", "email", "phone", "mobile", "language", "notes",
)  # fmt: skip
EMAIL_FIELDS = ("email", "invoice_email")
ASSIGNEE_FIELDS = ("salesperson", "purchasing_responsible")  # may be None: nobody assigned


# Normalisation and validation


def _normalise_phones(record, region: str) -> None:
    for field in ("phone", "mobile"):
        phone = normalise_phone(getattr(record, field), region or None)
        setattr(record, field, phone.raw)
        setattr(record, f"{field}_e164", phone.e164)


def normalise_partner(partner: Partner) -> None:
    """Derive what is stored for comparison and dialling from what the user typed."""
    partner.name = partner.name.strip()
    partner.country = (partner.country or "").strip().upper()
    partner.tax_id = partner.tax_id.strip()
    partner.tax_id_normalized = normalise_tax_id(partner.tax_id)
    partner.name_key = name_key(partner.name)[:200]
    for field in EMAIL_FIELDS:
        setattr(partner, field, normalise_email(getattr(partner, field)))
    _normalise_phones(partner, partner.country)


def _model_errors(record, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    return model_errors(record, exclude, check_dates=False)  # partners and contacts have no dates people type


def _country_errors(partner: Partner) -> dict[str, list[str]]:
    if partner.country in phonenumbers.SUPPORTED_REGIONS:
        return {}
    return {"country": [_("Enter a two-letter country code, such as ES or FR.")]}


def _assignee_errors(partner: Partner) -> dict[str, list[str]]:
    checks = (("salesperson", SALES, _("The salesperson must be an active user with a sales role.")),
              ("purchasing_responsible", PURCHASING,
               _("The purchasing responsible must be an active user with a purchasing role.")))  # fmt: skip
    errors = {}
    for field, roles, message in checks:
        user = getattr(partner, field)
        if user is not None and not (user.is_active and roles_of(user) & roles):
            errors[field] = [message]
    return errors


def _check_kinds(kinds: set[str], *, changed: set[str], by) -> None:
    if not kinds:
        raise InvalidInput(fields={"kinds": [_("Choose at least one: prospect, customer or supplier.")]})
    if {"prospect", "customer"} <= kinds:
        raise InvalidInput(fields={"kinds": [_("A prospect is not yet a customer: choose one.")]})
    refused = changed - creatable_kinds(by)
    if refused:
        labels = ", ".join(str(KIND_LABELS[k]) for k in KINDS if k in refused)
        raise NotAllowed(_("Your role may not add or remove these kinds: %(kinds)s.") % {"kinds": labels},
                         fields={"kinds": [_("Your role may not change this.")]})  # fmt: skip


def _tags_from_names(names: Iterable[str]) -> list[Tag]:
    unique: dict[str, str] = {}  # casefolded → as typed
    for name in names:
        name = " ".join(str(name).split())[:60]
        if name:
            unique.setdefault(name.casefold(), name)
    existing = {t.name.casefold(): t for t in Tag.objects.filter(name__in=list(unique.values()))}
    for key, name in unique.items():
        if key not in existing:
            existing[key] = Tag.objects.filter(name__iexact=name).first() or Tag.objects.get_or_create(name=name)[0]
    return sorted((existing[key] for key in unique), key=lambda t: t.name.casefold())


# Timeline


def partner_snapshot(partner: Partner) -> dict:
    """The tracked fields' values (related records as objects): the timeline compares and shows them."""
    values = {field: getattr(partner, field) for field in PARTNER_FIELDS if field != "notes"}
    values.update({f"is_{kind}": getattr(partner, f"is_{kind}") for kind in KINDS})
    values["tags"] = list(partner.tags.all()) if partner.pk else []
    values["is_archived"] = partner.is_archived
    return values


def contact_snapshot(contact: Contact) -> dict:
    return {field: getattr(contact, field) for field in CONTACT_FIELDS if field != "notes"} | {
        "is_archived": contact.is_archived
    }


def _record_changes(*, record, by, before: dict, after: dict) -> None:
    from trato.timeline.services import changes_record

    changes_record(record=record, by=by, before=before, after=after)


def _record_created(*, record, by) -> None:
    from trato.timeline.services import created_record

    created_record(record=record, by=by)


# Partners


def _apply_partner_data(partner: Partner, data: dict) -> set[str] | None:
    unknown_fields(data, PARTNER_INPUTS)
    for field in PARTNER_FIELDS:
        if field in data:
            value = data[field]
            setattr(partner, field, "" if value is None and field not in ASSIGNEE_FIELDS else value)
    if "kinds" not in data:
        return None
    kinds = set(data["kinds"] or ())
    for kind in KINDS:
        setattr(partner, f"is_{kind}", kind in kinds)
    return kinds


def _prepare_partner(partner: Partner) -> None:
    normalise_partner(partner)
    errors = _model_errors(partner, exclude=["created_by", "version", "tags"])
    raise_if_any({**_country_errors(partner), **_assignee_errors(partner), **errors})


def _same_side(kinds) -> Q:
    """Partners on the same side of the ERP as ``kinds``: its customer file (prospects, customers) or its
    supplier file. ERPs number the two files apart, so one code may name a customer and another supplier."""
    condition = Q(pk__in=[])
    if set(kinds) & {"prospect", "customer"}:
        condition |= Q(is_prospect=True) | Q(is_customer=True)
    if "supplier" in kinds:
        condition |= Q(is_supplier=True)
    return condition


def _with_ref(ref: str, kinds, by: User):
    """The partners ``by`` sees with this ERP code on the same side. One ``by`` may not see answers as an unused
    code would: refusing it would tell that such a partner exists."""
    return Partner.objects.visible_to(by).filter(_same_side(kinds), ref=ref)


def _ref_errors(partner: Partner, by: User) -> dict[str, list[str]]:
    if not partner.ref or not _with_ref(partner.ref, partner.kinds, by).exclude(pk=partner.pk).exists():
        return {}
    return {"ref": [_("Another partner already has this ERP code.")]}


def partner_create(*, by: User, data: dict) -> Partner:
    partner = Partner(created_by=by)
    kinds = _apply_partner_data(partner, data) or set()
    _check_kinds(kinds, changed=kinds, by=by)
    _prepare_partner(partner)
    with service_transaction():
        raise_if_any(_ref_errors(partner, by))
        partner.save()
        partner.tags.set(_tags_from_names(data.get("tags") or ()))
        _record_created(record=partner, by=by)
        events.emit("partner.created", record=partner, by=by)
    return partner


def _save(record, fields: list[str]) -> None:
    save_new_version(record, fields)


PARTNER_STORED = (*PARTNER_FIELDS, "tax_id_normalized", "name_key", "phone_e164", "mobile_e164",
                  *(f"is_{kind}" for kind in KINDS))  # fmt: skip
CONTACT_STORED = (*CONTACT_FIELDS, "phone_e164", "mobile_e164")


def _changed_fields(before, after, fields: Iterable[str]) -> list[str]:
    attnames = {name: type(after)._meta.get_field(name).attname for name in fields}
    return [name for name, attname in attnames.items() if getattr(before, attname) != getattr(after, attname)]


def _ensure_still_visible(partner: Partner, by) -> None:
    if not Partner.objects.visible_to(by).filter(pk=partner.pk).exists():
        raise NotAllowed(
            _("After this change you could no longer see this partner; ask someone whose role covers it."),
            fields={"kinds": [_("Your role may not change this.")]},
        )


def partner_update(*, partner: Partner, by: User, data: dict, version: int | None) -> Partner:
    """Change the given fields. `version` is the one the caller read; None only for internal callers."""
    with service_transaction():
        locked = lock_for_change(partner, by=by, version=version)
        original, before = copy.copy(locked), partner_snapshot(locked)
        kinds = _apply_partner_data(locked, data)
        if kinds is not None:
            _check_kinds(kinds, changed=kinds ^ set(original.kinds), by=by)
        _prepare_partner(locked)
        raise_if_any(_ref_errors(locked, by))
        if "tags" in data:
            locked.tags.set(_tags_from_names(data["tags"] or ()))
        fields, after = _changed_fields(original, locked, PARTNER_STORED), partner_snapshot(locked)
        if fields or before["tags"] != after["tags"]:
            _save(locked, fields)
            _ensure_still_visible(locked, by)
            _record_changes(record=locked, by=by, before=before, after=after)
            events.emit("partner.changed", record=locked, by=by)
    return locked


def partner_upsert_by_ref(*, by: User, ref: str, data: dict) -> tuple[Partner, bool]:
    """Create or update the partner with this ERP code among those ``by`` sees: (partner, created).

    The ERP sends its whole record each time; ``data`` holds the fields to set (``ref`` comes from the path).
    The partner is looked for on the side of the ERP ``data["kinds"]`` names (customer file or supplier file).
    ``version`` is not asked for: the ERP is the source of these fields and its last word wins."""
    ref = ref.strip()
    if not ref or len(ref) > field_max_length(Partner, "ref"):
        raise InvalidInput(fields={"ref": [_("Enter the ERP code, up to 40 characters.")]})
    data = {**data, "ref": ref}
    with service_transaction(), composed():  # durable itself; the create or update inside joins it
        lock_key("partner-ref", ref)
        matches = list(_with_ref(ref, data.get("kinds") or (), by).order_by("pk")[:2])
        if len(matches) > 1:
            raise InvalidState(_("Several partners have this ERP code: correct them on their pages first."))
        if matches:
            data["kinds"] = _kinds_added(matches[0], data.get("kinds") or ())
            return partner_update(partner=matches[0], by=by, data=data, version=None), False
        return partner_create(by=by, data=data), True


def _kinds_added(partner: Partner, given) -> set[str]:
    """The ERP knows the partner as one kind (its customer file, its supplier file): what it sends is added to
    what Trato knows, never taken away; a prospect the ERP now calls a customer stops being a prospect."""
    kinds = set(partner.kinds) | set(given)
    return kinds - {"prospect"} if "customer" in kinds else kinds


def _set_archived(*, partner: Partner, by: User, version: int | None, archived: bool) -> Partner:
    with service_transaction():
        locked = lock_for_change(partner, by=by, version=version)
        if locked.is_archived == archived:
            message = _("This partner is already archived.") if archived else _("This partner is not archived.")
            raise InvalidState(message)
        locked.is_archived = archived
        _save(locked, ["is_archived"])
        _record_changes(record=locked, by=by, before={"is_archived": not archived}, after={"is_archived": archived})
        events.emit("partner.changed", record=locked, by=by)
    return locked


def partner_archive(*, partner: Partner, by: User, version: int | None = None) -> Partner:
    return _set_archived(partner=partner, by=by, version=version, archived=True)


def partner_restore(*, partner: Partner, by: User, version: int | None = None) -> Partner:
    return _set_archived(partner=partner, by=by, version=version, archived=False)


# Contacts


def _apply_contact_data(contact: Contact, data: dict) -> None:
    unknown_fields(data, CONTACT_FIELDS)
    for field in CONTACT_FIELDS:
        if field in data:
            setattr(contact, field, data[field] or "")


def normalise_contact(contact: Contact) -> None:
    for field in ("first_name", "last_name", "job_title", "department"):
        setattr(contact, field, getattr(contact, field).strip())
    contact.email = normalise_email(contact.email)
    _normalise_phones(contact, contact.partner.country)


def _prepare_contact(contact: Contact) -> None:
    normalise_contact(contact)
    raise_if_any(_model_errors(contact, exclude=["partner", "version"]))


def contact_create(*, partner: Partner, by: User, data: dict, vcard_uid: str = "") -> Contact:
    if not may_change(partner, by):
        raise NotAllowed()
    contact = Contact(partner=partner, vcard_uid=vcard_uid[:200] or f"urn:uuid:{uuid.uuid4()}")
    _apply_contact_data(contact, data)
    _prepare_contact(contact)
    with service_transaction():
        contact.save()
        _record_created(record=contact, by=by)
    return contact


def contact_update(*, contact: Contact, by: User, data: dict, version: int | None) -> Contact:
    with service_transaction():
        locked = lock_for_change(contact, by=by, version=version)
        original, before = copy.copy(locked), contact_snapshot(locked)
        _apply_contact_data(locked, data)
        _prepare_contact(locked)
        fields = _changed_fields(original, locked, CONTACT_STORED)
        if fields:
            _save(locked, fields)
            _record_changes(record=locked, by=by, before=before, after=contact_snapshot(locked))
    return locked


def _set_contact_archived(*, contact: Contact, by: User, version: int | None, archived: bool) -> Contact:
    with service_transaction():
        locked = lock_for_change(contact, by=by, version=version)
        if locked.is_archived == archived:
            message = _("This contact is already archived.") if archived else _("This contact is not archived.")
            raise InvalidState(message)
        locked.is_archived = archived
        _save(locked, ["is_archived"])
        _record_changes(record=locked, by=by, before={"is_archived": not archived}, after={"is_archived": archived})
    return locked


def contact_archive(*, contact: Contact, by: User, version: int | None = None) -> Contact:
    return _set_contact_archived(contact=contact, by=by, version=version, archived=True)


def contact_restore(*, contact: Contact, by: User, version: int | None = None) -> Contact:
    return _set_contact_archived(contact=contact, by=by, version=version, archived=False)
