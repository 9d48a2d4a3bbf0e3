"""Global search providers: partners and contacts, only among what the user may see."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trato.core.search import SearchHit, SearchProvider
from trato.partners.models import Contact, Partner
from trato.partners.selectors import search as search_partners


def _partners(user, query: str, limit: int) -> list[SearchHit]:
    partners = search_partners(Partner.objects.visible_to(user), query).order_by("is_archived", "name", "pk")
    return [
        SearchHit(title=p.name, subtitle=" · ".join(filter(None, [p.ref, p.city, p.tax_id])), url=p.get_absolute_url())
        for p in partners[:limit]
    ]


def _contact_matches(word: str) -> Q:
    return Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)


def _contacts(user, query: str, limit: int) -> list[SearchHit]:
    contacts = Contact.objects.visible_to(user).select_related("partner")
    for word in query.split()[:8]:
        contacts = contacts.filter(_contact_matches(word))
    contacts = contacts.order_by("is_archived", "last_name", "first_name", "pk")
    return [
        SearchHit(title=str(c), subtitle=" · ".join(filter(None, [c.partner.name, c.email])), url=c.get_absolute_url())
        for c in contacts[:limit]
    ]


partner_provider = SearchProvider(key="partners", label=_("Partners"), search=_partners)
contact_provider = SearchProvider(key="contacts", label=_("Contacts"), search=_contacts)
