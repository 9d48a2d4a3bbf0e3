"""Contacts to and from vCards: export a contact or a company's contacts, import a .vcf into a company.

The vCard format itself is handled in vcard.py; this module maps cards to contacts and back.
"""

import uuid
from dataclasses import dataclass, field
from typing import cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from trato.core.errors import DomainError, NotAllowed
from trato.core.services import composed
from trato.core.validation import field_max_length
from trato.partners import services
from trato.partners.models import Contact, Partner
from trato.partners.phones import normalise as normalise_phone
from trato.partners.vcard import CardData, Dropped, card_label, card_to_vcard, cards_to_vcf, parse_vcards

UID_NAMESPACE = uuid.UUID("6f1c5d1e-3f0a-4d6b-9a57-2f1d7c3b8e10")


def stable_uid(contact: Contact) -> str:
    """The contact's UID; contacts from before UIDs were stored get one derived from their id, stable as well."""
    return contact.vcard_uid or f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'contact-{contact.pk}')}"


def contact_card(contact: Contact) -> CardData:
    partner = contact.partner
    numbers = (("work", contact.phone, contact.phone_e164), ("cell", contact.mobile, contact.mobile_e164))
    phones = [(kind, e164 or raw) for kind, raw, e164 in numbers if raw]
    return CardData(
        uid=stable_uid(contact),
        first_name=contact.first_name,
        last_name=contact.last_name,
        full_name=str(contact),
        organization=partner.name,
        job_title=contact.job_title,
        department=contact.department,
        emails=[contact.email] if contact.email else [],
        phones=phones,
        note=contact.notes,
        street=", ".join(filter(None, [partner.street, partner.street2])),
        city=partner.city,
        postal_code=partner.postal_code,
        region=partner.state,
        country=partner.country,
    )


def contact_vcf(contact: Contact) -> str:
    return card_to_vcard(contact_card(contact))


def contacts_vcf(contacts) -> str:
    return cards_to_vcf(contact_card(contact) for contact in contacts)


# Import


@dataclass
class CardDropped:
    """What was left out of one imported card, and why."""

    card: str  # the card as the report names it: "Contact 2 (“Ana Gil”)"
    items: list[str]  # one line each: "EMAIL “ana@”: Enter a valid email address."


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # a readable reason for each card left out
    dropped: list[CardDropped] = field(default_factory=list)  # per card imported without some of its values


# The vCard property each contact field is read from, so a value left out is named as the file names it.
_PROPERTY_OF = {"first_name": "N", "last_name": "N", "job_title": "TITLE", "department": "ORG", "email": "EMAIL",
                "phone": "TEL", "mobile": "TEL", "notes": "NOTE"}  # fmt: skip


def _contact_field(name: str) -> models.Field:
    return cast(models.Field, Contact._meta.get_field(name))


def _dialable_phones(card: CardData, partner: Partner, dropped: list[Dropped]) -> list[tuple[str, str]]:
    """The card's numbers our phone normaliser reads (in the company's country); the others are left out. Faxes
    are not stored, so they are not checked either."""
    phones = []
    for kind, number in card.phones:
        if kind == "fax":
            continue
        if normalise_phone(number, partner.country).is_valid:
            phones.append((kind, number))
        else:
            dropped.append(Dropped("TEL", number, _("it is not a phone number we can dial")))
    return phones


def _last_name(card: CardData, dropped: list[Dropped]) -> str:
    """A contact cannot be without a name, so an overlong one is cut (and reported) rather than left out."""
    name, limit = card.last_name or card.full_name, field_max_length(Contact, "last_name")
    if len(name) <= limit:
        return name
    reason = _("it is longer than %(limit)d characters: only the first %(limit)d were kept") % {"limit": limit}
    dropped.append(Dropped("N" if card.last_name else "FN", name, reason))
    return name[:limit]


def _refusal(name: str, value: str) -> str:
    """Why the contact field's own validators refuse the value (too long, not an email…); "" when they accept it."""
    try:
        _contact_field(name).clean(value, None)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _contact_data(card: CardData, phones: list[tuple[str, str]], dropped: list[Dropped]) -> dict:
    """The values the card carries that the contact's validation accepts; the others go to `dropped`.
    A card says nothing about what it leaves out: only the values it carries are written."""
    by_kind = dict(reversed(phones))  # the first number of each kind wins
    data = {
        "first_name": card.first_name,
        "job_title": card.job_title,
        "department": card.department,
        "email": card.emails[0] if card.emails else "",
        "phone": by_kind.get("work") or by_kind.get("other") or by_kind.get("home") or "",
        "mobile": by_kind.get("cell", ""),
        "notes": card.note,
    }
    kept = {"last_name": _last_name(card, dropped)}
    for name, value in data.items():
        if not value:
            continue
        if reason := _refusal(name, value):
            dropped.append(Dropped(_PROPERTY_OF[name], value, reason))
        else:
            kept[name] = value
    return kept


def _match(partner: Partner, card: CardData) -> Contact | None:
    contacts = Contact.objects.filter(partner=partner)
    if card.uid and (contact := contacts.filter(vcard_uid=card.uid).first()):
        return contact
    emails = [email.lower() for email in card.emails]
    return contacts.filter(email__in=emails).order_by("pk").first() if emails else None


def _without_same_numbers(data: dict, contact: Contact) -> dict:
    """Keep the number as the user typed it when the card has the same one in another format (e.g. E.164)."""
    region = contact.partner.country
    for name in ("phone", "mobile"):
        stored = getattr(contact, f"{name}_e164")
        if name in data and stored and normalise_phone(data[name], region).e164 == stored:
            del data[name]
    return data


def _without_refused(data: dict, error: DomainError, dropped: list[Dropped]) -> dict:
    """The card's data without the fields the contact service still refused (rules beyond the fields' own)."""
    if not error.fields:
        raise error
    kept = dict(data)
    for name, messages in error.fields.items():
        if name not in kept:
            raise error  # not about one of the card's values: the card cannot be imported
        dropped.append(Dropped(_PROPERTY_OF.get(name, name), kept.pop(name), " ".join(map(str, messages))))
    return kept


def _import_card(partner: Partner, card: CardData, by, report: ImportReport) -> None:
    """Import the card; a value the contact's validation refuses is left out (and reported), not the card."""
    dropped = list(card.dropped)
    data = _contact_data(card, _dialable_phones(card, partner, dropped), dropped)
    try:
        with composed():
            _save_card(partner, card, data, by, report)
    except DomainError as error:
        _save_card(partner, card, _without_refused(data, error, dropped), by, report)
    if dropped:
        report.dropped.append(CardDropped(card_label(card.number, card.full_name), [str(item) for item in dropped]))


def _save_card(partner: Partner, card: CardData, data: dict, by, report: ImportReport) -> None:
    existing = _match(partner, card)
    if existing is None:
        contact = services.contact_create(partner=partner, by=by, data=data, vcard_uid=card.uid)
        report.created.append(str(contact))
        return
    before = existing.version
    contact = services.contact_update(contact=existing, by=by, data=_without_same_numbers(data, existing), version=None)
    (report.updated if contact.version != before else report.unchanged).append(str(contact))


def contacts_import(*, partner: Partner, by, data: bytes) -> ImportReport:
    """Create or update the company's contacts from a .vcf file: matched by UID, then by email."""
    if not Partner.objects.editable_by(by).filter(pk=partner.pk).exists():
        raise NotAllowed()
    cards, errors = parse_vcards(data)
    report = ImportReport(skipped=list(errors))
    with composed():  # one import, many contact services: each card a savepoint
        for card in cards:
            try:
                _import_card(partner, card, by, report)
            except DomainError as error:
                details = "; ".join(str(m) for messages in error.fields.values() for m in messages)
                report.skipped.append(
                    _("%(card)s was skipped: %(reason)s")
                    % {"card": card_label(card.number, card.full_name), "reason": details or error.message}
                )
    return report
