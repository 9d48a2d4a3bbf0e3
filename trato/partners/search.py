"""Global search providers: partners and contacts, only among what the user may see (trato/core/search.py says how
a query is read)."""

from django.db.models import Case, Q, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from trato.core.search import SearchHit, SearchProvider, is_fragment, parse_query
from trato.partners.models import Contact, Partner
from trato.partners.selectors import contact_fragment, first_found, phone_condition

# Archived last, then alphabetical whatever the case. Written so that no index yields this order: an index that did
# would tempt PostgreSQL to walk it and filter every row until ten match (the rows a word finds are often bunched
# in name order: "Talleres …"), when sorting the few thousand rows the trigram index finds is far cheaper.
ARCHIVED_LAST = Case(When(is_archived=True, then=Value(1)), default=Value(0))
PARTNER_ORDER = (ARCHIVED_LAST, Lower("name"), "pk")
CONTACT_ORDER = (ARCHIVED_LAST, Lower("last_name"), Lower("first_name"), "pk")


def _partners(user, query: str, limit: int) -> list[SearchHit]:
    partners = first_found(Partner.objects.visible_to(user), query, PARTNER_ORDER, limit)
    return [
        SearchHit(title=p.name, subtitle=" · ".join(filter(None, [p.ref, p.city, p.tax_id])), url=p.get_absolute_url())
        for p in partners
    ]


def search_contacts(queryset, text: str):
    """Contacts by a phone number (E.164) or by fragments of their names and e-mail, every word matching: one
    table, so each condition is a trigram or B-tree index scan."""
    query = parse_query(text)
    phone = phone_condition(query.phone) if query.phone else Q(pk__in=[])
    if not query.words:
        return queryset.filter(phone) if query.phone else queryset.none()
    for word in query.words:
        queryset = queryset.filter(phone | (contact_fragment(word) if is_fragment(word) else Q(pk__in=[])))
    return queryset


def _contacts(user, query: str, limit: int) -> list[SearchHit]:
    contacts = search_contacts(Contact.objects.visible_to(user), query).select_related("partner")
    contacts = contacts.order_by(*CONTACT_ORDER)
    return [
        SearchHit(title=str(c), subtitle=" · ".join(filter(None, [c.partner.name, c.email])), url=c.get_absolute_url())
        for c in contacts[:limit]
    ]


partner_provider = SearchProvider(key="partners", label=_("Partners"), search=_partners)
contact_provider = SearchProvider(key="contacts", label=_("Contacts"), search=_contacts)
