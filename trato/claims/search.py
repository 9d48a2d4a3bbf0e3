"""Claim search, for the list's and the API's ``q`` and the global search: which claims a word finds, each through
an index (trato/core/search.py says how a query is read; docs/claims.md, "How the search reads what you type").

- A word shaped like a claim number ("RC-2026-00042", "rc-2026-42") finds that number only: the number written in
  full (the sequence padded to five digits) or the numbers that begin as typed; the unique number index serves both.
  Without its prefix ("2026-00042") it finds the number of each kind, and is a code too.
- A word shaped like a code ("ALB-24-1033", "PRD-4471", "4500012345") finds the claims whose codes begin with it:
  number, ERP reference, origin document number, product code or lot of a line, product code of a repair (case
  ignored: B-tree indexes on UPPER(column)).
- Any other word finds the claims whose number or ERP reference begins with it and, with three letters in a row,
  those whose subject or partner's name holds it (trigram indexes on PostgreSQL).
"""

import re

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from trato.claims.models import NUMBER_PREFIX, Claim, OriginDocument, OriginLine, Repair
from trato.core.search import (
    SearchHit,
    SearchProvider,
    every_way,
    first_of_each,
    is_code,
    is_fragment,
    matching_any,
    parse_query,
)
from trato.partners.selectors import name_fragment

NUMBER_WIDTH = 5  # the sequence's width in a claim number (numbering.services.next_number)
NEWEST = ("-received_on", "-pk")
_PREFIXES = "|".join(NUMBER_PREFIX.values())
_CLAIM_NUMBER = re.compile(rf"(?:(?P<prefix>{_PREFIXES})-)?(?P<year>\d{{4}})-(?P<sequence>\d{{1,6}})", re.IGNORECASE)


def number_condition(match: re.Match[str]) -> Q:
    """The claims a word shaped like a claim number stands for: that number in full, or the numbers that begin as
    typed (it may still be being typed)."""
    prefixes = [match["prefix"].upper()] if match["prefix"] else list(NUMBER_PREFIX.values())
    year, sequence = match["year"], match["sequence"]
    condition = Q(number__in=[f"{prefix}-{year}-{sequence.zfill(NUMBER_WIDTH)}" for prefix in prefixes])
    for prefix in prefixes:  # "RC-2026-0004" also finds RC-2026-00040 … 00049
        condition |= Q(number__startswith=f"{prefix}-{year}-{sequence}")
    return condition


def claim_arms(word: str) -> list[Q]:
    """What ``word`` finds, one condition per table it is looked up in, each served by that table's indexes. The
    documents, lines and repairs are asked with EXISTS, which PostgreSQL plans either way round: from the few rows
    their index finds, or as a probe by claim while it walks the claims in order."""
    number = _CLAIM_NUMBER.fullmatch(word)
    if number and number["prefix"]:  # "rc-2026-42": a claim number and nothing else
        return [number_condition(number)]
    claim = OuterRef("pk")
    own = Q(number__startswith=word.upper()) | Q(external_ref__istartswith=word)
    if number:  # "2026-00042": a claim's number without its prefix, or a document's number
        own |= number_condition(number)
    if is_code(word):
        lines = OriginLine.objects.filter(document__claim=claim)
        return [
            own,
            Q(Exists(OriginDocument.objects.filter(claim=claim, number__istartswith=word))),
            Q(Exists(lines.filter(Q(product_code__istartswith=word) | Q(lot__istartswith=word)))),
            Q(Exists(Repair.objects.filter(claim=claim, product_code__istartswith=word))),
        ]
    if not is_fragment(word):
        return [own]
    # The partner through its foreign key (one per claim): the words of one way that name it meet in a single join,
    # which the partners' trigram indexes serve together ("talleres norte").
    return [own | Q(subject__icontains=word), name_fragment(word, through="partner__")]


def _ways(text: str) -> list[Q]:
    words = parse_query(text).words
    return every_way([claim_arms(word) for word in words]) if words else []


def search_claims(queryset: QuerySet, text: str) -> QuerySet:
    """The claims of ``queryset`` that ``text`` finds, all of them (lists count them). Words too short to look up
    are left out, and a query with none left finds nothing."""
    return matching_any(queryset, _ways(text))


def newest_found(queryset: QuerySet, text: str, limit: int) -> QuerySet:
    """The newest ``limit`` claims of ``queryset`` that ``text`` finds (the global search): each way of matching is
    asked for its own newest claims (core.search.first_of_each), so a word half the claims hold costs no more than
    a rare one."""
    return first_of_each(queryset, _ways(text), NEWEST, limit)


def claim_url(claim: Claim) -> str:
    try:
        return reverse("claims:detail", args=[claim.pk])
    except NoReverseMatch:  # the claim pages are not mounted (e.g. an API-only test)
        return ""


def _claims(user, query: str, limit: int) -> list[SearchHit]:
    claims = newest_found(Claim.objects.visible_to(user), query, limit).select_related("partner")
    return [
        SearchHit(
            title=str(claim),
            subtitle=" · ".join(filter(None, [claim.get_state_display(), claim.partner and claim.partner.name])),
            url=claim_url(claim),
        )
        for claim in claims
    ]


claim_provider = SearchProvider(key="claims", label=_("Claims"), search=_claims)
