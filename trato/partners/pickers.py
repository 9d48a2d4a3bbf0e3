"""Pickers of partners and contacts (trato/core/pickers.py): found as the global search finds them, among what the
user may see; archived ones are never offered."""

from collections.abc import Mapping

from django.db.models import Q, QuerySet

from trato.core.pickers import Choice, Picker, register
from trato.core.types import AnyUser
from trato.core.validation import is_record_id
from trato.partners.models import Contact, Partner
from trato.partners.search import CONTACT_ORDER, PARTNER_ORDER, search_contacts
from trato.partners.selectors import first_found


def partner_choice(partner: Partner) -> Choice:
    detail = " · ".join(filter(None, [partner.ref, partner.city, partner.tax_id]))
    return Choice(str(partner.pk), partner.name, detail)


def partner_choices(partners: QuerySet[Partner], text: str, limit: int) -> list[Choice]:
    """The first partners of ``partners`` that ``text`` finds, by name: each way of matching asked for its own
    first rows, so that 100,000 partners answer as fast as the indexes that find them (make bench)."""
    found = first_found(partners.filter(is_archived=False), text, PARTNER_ORDER, limit)
    return [partner_choice(partner) for partner in found.only("pk", "name", "ref", "city", "tax_id")]


def _partners(user: AnyUser, text: str, forwarded: Mapping[str, str], limit: int) -> list[Choice]:
    return partner_choices(Partner.objects.visible_to(user), text, limit)


def contacts_of(user: AnyUser, partner: str) -> QuerySet[Contact]:
    """The active contacts of ``partner`` (an id as posted), if the user may see it; none otherwise."""
    if not is_record_id(partner):
        return Contact.objects.none()
    visible = Partner.objects.visible_to(user).filter(pk=int(partner))
    return Contact.objects.filter(Q(partner__in=visible), is_archived=False)


def _contacts(user: AnyUser, text: str, forwarded: Mapping[str, str], limit: int) -> list[Choice]:
    contacts = contacts_of(user, forwarded.get("partner", ""))
    if text:
        contacts = search_contacts(contacts, text)
    return [
        Choice(str(contact.pk), str(contact), " · ".join(filter(None, [contact.job_title, contact.email])))
        for contact in contacts.order_by(*CONTACT_ORDER)[:limit]
    ]


register(Picker("partners.partner", _partners))
# A partner's contacts are few: offered as soon as the partner is chosen, narrowed by what is typed.
register(Picker("partners.contact", _contacts, forward=("partner",), offers_without_query=True))
