"""Claims on the pages of partners and contacts (trato/core/related.py): found by the core's autodiscovery.

Each block reads through the claim list's own selector with the list's filter for the record, so its link opens
the list with the same claims in the same order; a claim the reader may not see is neither counted nor listed.
"""

from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from trato.claims import selectors
from trato.claims.selectors import CLAIM_LIST
from trato.core.related import RelatedBlock, register


def _claims_of(filter_name: str, model: str) -> RelatedBlock:
    def query(record) -> str:
        return urlencode({filter_name: record.pk})

    def rows(user, record):
        return selectors.claim_list(user, CLAIM_LIST.parse(QueryDict(query(record))))

    return RelatedBlock(
        key="claims", model=model, title=_("Claims"), queryset=rows,
        url=lambda user, record: f"{reverse('claims:list')}?{query(record)}",
        order=10, row_template="claims/_claim_row.html", empty=_("No claims yet."),
    )  # fmt: skip


register(_claims_of("partner", "partners.partner"))
register(_claims_of("contact", "partners.contact"))
