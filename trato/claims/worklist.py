"""What claims put on each user's home page ("My work", trato/core/worklist.py): found by the core's autodiscovery.

Each block of claims is a query of the claim list (its filters and sort), read through the list's own selector, so
"see all" opens the list with the same rows in the same order.
"""

from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from trato.claims import access, selectors
from trato.claims.models import Action, Channel, Kind, State
from trato.claims.selectors import ACTIVE, CLAIM_LIST
from trato.core.worklist import WorkItem, register


def _list_url(query: dict[str, str]) -> str:
    return f"{reverse('claims:list')}?{urlencode(query)}"


def _claims_item(key: str, title, query: dict[str, str], **options) -> WorkItem:
    def rows(user):
        return selectors.claim_list(user, CLAIM_LIST.parse(QueryDict(urlencode(query))))

    return WorkItem(
        key=key, title=title, app="claims", queryset=rows, url=lambda user: _list_url(query),
        row_template="claims/_claim_row.html", **options,
    )  # fmt: skip


def _my_due_actions(user):
    actions = selectors.actions_due(Action.objects.visible_to(user), user)
    return actions.select_related("claim").order_by("due_on", "pk")


# The claim list's query of each block (its filters and sort).
MY_OPEN_CLAIMS: dict[str, str] = {"mine": "1", "state": ACTIVE, "sort": "deadline"}
OVERDUE: dict[str, str] = {"overdue": "1", "sort": "deadline"}
MY_ACTIONS: dict[str, str] = {"my_actions": "due", "sort": "deadline"}
DRAFTS_BY_MAIL: dict[str, str] = {"state": State.DRAFT, "channel": Channel.EMAIL}  # inbox_handler.claim_data

register(
    _claims_item(
        "claims-mine", _("My open claims"), MY_OPEN_CLAIMS, order=10, in_nav=True,
        empty=_("No open claim is yours."),
    )
)  # fmt: skip
register(
    WorkItem(
        key="claims-my-actions", title=_("My actions due this week"), app="claims", queryset=_my_due_actions,
        url=lambda user: _list_url(MY_ACTIONS), order=20, row_template="claims/_work_action.html",
        empty=_("No action of yours is due this week."),
    )
)  # fmt: skip
register(_claims_item("claims-overdue", _("Overdue claims"), OVERDUE, order=30, empty=_("No claim is overdue.")))
# Mail to the claims address becomes a draft customer claim (inbox_handler.py): whoever takes customer claims
# triages them.
register(
    _claims_item(
        "claims-by-mail", _("Drafts received by email"), DRAFTS_BY_MAIL, order=40,
        may_see=lambda user: access.may_create(user, Kind.CUSTOMER), empty=_("No draft from the mail is waiting."),
    )
)  # fmt: skip
