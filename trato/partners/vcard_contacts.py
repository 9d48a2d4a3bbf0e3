"""Contacts to and from vCards: export a contact or a company's contacts, import a .vcf into a company.

The vCard format itself is handled in vcard.py; this module maps cards to contacts and back.
"""

import uuid
from dataclasses import dataclass, field
from typing import cast

from django.db import models
from django.utils.translation import gettext as _

from trato.core.errors import DomainError, NotAllowed
from trato.core.services import composed
from trato.partners import services
from trato.partners.models import Contact, Partner
from trato.partners.phones import normalise as normalise_phone
from trato.partners.vcard import CardData, card_to_vcard, cards_to_vcf, parse_vcards

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
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # a readable reason for each card left out
    dropped: list[str] = field(default_factory=list)  # what was left out of cards that were imported, and why


def _contact_data(card: CardData) -> dict:
    phones = dict(reversed(card.phones))  # the first number of each kind wins
    data = {
        "first_name": card.first_name,
        "last_name": card.last_name or card.full_name,
        "job_title": card.job_title,
        "department": card.department,
        "email": card.emails[0] if card.emails else "",
        "phone": phones.get("work") or phones.get("other") or phones.get("home") or "",
        "mobile": phones.get("cell", ""),
        "notes": card.note,
    }
    # A card says nothing about what it leaves out: only the values it carries are written.
    return {name: _fit(name, value) for name, value in data.items() if value}


def _contact_field(name: str) -> models.Field:
    return cast(models.Field, Contact._meta.get_field(name))


def _fit(name: str, value: str) -> str:
    """Cut overlong text to the column's size; an email is left whole so that a cut one is refused, not stored."""
    limit = _contact_field(name).max_length
    return value if name == "email" or not limit else value[:limit]


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


def _without_refused(data: dict, error: DomainError, card: CardData, report: ImportReport) -> dict:
    """The card's data without the fields the contact service refused; each one reported with its reason."""
    kept = dict(data)
    for name, messages in error.fields.items():
        if name not in kept:
            raise error  # not about one of the card's values: the card cannot be imported
        value = kept.pop(name)
        reason = "; ".join(str(message) for message in messages)
        report.dropped.append(_("“%(card)s”: left out %(field)s “%(value)s”: %(reason)s") % {
            "card": card.full_name, "field": _contact_field(name).verbose_name, "value": value,
            "reason": reason})  # fmt: skip
    if not error.fields:
        raise error
    return kept


def _import_card(partner: Partner, card: CardData, by, report: ImportReport) -> None:
    """Import the card; a value the contact's validation refuses is left out (and reported), not the card."""
    for what in card.dropped:
        report.dropped.append(_("“%(card)s”: left out %(what)s") % {"card": card.full_name, "what": what})
    data = _contact_data(card)
    try:
        with composed():
            _save_card(partner, card, data, by, report)
    except DomainError as error:
        _save_card(partner, card, _without_refused(data, error, card, report), by, report)


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
                    _("“%(name)s” was skipped: %(reason)s")
                    % {"name": card.full_name, "reason": details or error.message}
                )
    return report
