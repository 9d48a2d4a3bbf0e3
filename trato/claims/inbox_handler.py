"""Mail to the claims address becomes a draft customer claim; the gateway then files the mail on it.

Replies to mail sent from a claim never reach this handler: the gateway threads them first (In-Reply-To,
plus-address, subject token). What reaches it is new mail, or a customer's follow-up to their own first message
(threaded here by its References, so it does not open a second claim). Automatic mail (bounces, auto-replies,
lists) never creates a claim and is never answered: the handler declines it and the gateway decides.
"""

import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trato.claims.models import Channel, Claim, Kind
from trato.inbox.handlers import register_alias
from trato.inbox.models import InboundMessage
from trato.inbox.models import State as InboundState
from trato.inbox.sanitise import fold_quoted
from trato.inbox.system import gateway_user
from trato.partners.duplicates import normalise_email
from trato.partners.models import Contact, Partner
from trato.timeline import registry

CLAIMS_ALIAS = "claims"
SUBJECT_MAX = Claim._meta.get_field("subject").max_length
# Reply and forward prefixes in the languages our customers write in: Re, Fwd, Fw, RV (Outlook in Spanish), AW/WG.
_PREFIX_RE = re.compile(r"^\s*(?:(?:re|fwd?|rv|aw|wg|tr|enc|res)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def clean_subject(subject: str) -> str:
    """The subject without Re:/Fwd: prefixes and folded whitespace; a placeholder when nothing is left."""
    text = " ".join(_PREFIX_RE.sub("", subject or "").split())
    return (text or _("Claim received by email"))[:SUBJECT_MAX]


def _partners_who_may_claim() -> Q:
    return Q(is_customer=True) | Q(is_prospect=True)


def sender_contact(address: str) -> Contact | None:
    """The one contact with this address at a customer or prospect; None when none or several companies match."""
    contacts = list(
        Contact.objects.filter(email__iexact=address, is_archived=False)
        .filter(partner__in=Partner.objects.filter(_partners_who_may_claim(), is_archived=False))
        .select_related("partner")[:5]
    )
    return contacts[0] if len({contact.partner_id for contact in contacts}) == 1 else None


def sender_partner(address: str) -> Partner | None:
    """The one customer or prospect whose company or invoicing address is the sender's."""
    partners = list(
        Partner.objects.filter(_partners_who_may_claim(), is_archived=False)
        .filter(Q(email__iexact=address) | Q(invoice_email__iexact=address))
        .values_list("pk", flat=True)[:2]
    )
    return Partner.objects.get(pk=partners[0]) if len(partners) == 1 else None


def claim_of_earlier_mail(message) -> Claim | None:
    """The claim an earlier message of the same thread (mail the customer sent us before) was filed on."""
    ids = [value for value in (*message.in_reply_to, *message.references) if value]
    if not ids:
        return None
    variants = {variant for value in ids for variant in (value, value.strip("<>"), f"<{value.strip('<>')}>")}
    earlier = (
        InboundMessage.objects.filter(message_id__in=variants, state=InboundState.FILED)
        .filter(record_type=registry.key_for(Claim), record_id__isnull=False)
        .values_list("record_id", flat=True)
        .first()
    )
    return Claim.objects.filter(pk=earlier).first() if earlier else None


def _received_on(message):
    if message.date is None:
        return timezone.localdate()
    return min(timezone.localdate(message.date), timezone.localdate())  # a sender's clock in the future is wrong


def claim_data(message) -> dict:
    address = normalise_email(message.from_address)
    contact = sender_contact(address) if address else None
    partner = contact.partner if contact else (sender_partner(address) if address else None)
    return {
        "kind": Kind.CUSTOMER,
        "subject": clean_subject(message.subject),
        "description": fold_quoted(message.text).reply,  # the history is on the timeline, with the mail
        "channel": Channel.EMAIL,
        "received_on": _received_on(message),
        "partner": partner,
        "contact": contact,
        "responsible": None,
    }


def claim_from_mail(message, inbound) -> Claim | None:
    """The handler for the claims alias: a new draft customer claim, or None for automatic mail."""
    if message.is_automatic:
        return None  # never a claim, never an answer: bounces and auto-replies loop otherwise
    if (earlier := claim_of_earlier_mail(message)) is not None:
        return earlier
    from trato.claims.services import claim_create  # services import the mail machinery; keep startup light

    return claim_create(by=gateway_user(), data=claim_data(message))


def register() -> None:
    """Called from ClaimsConfig.ready(): mail to claims@ (and claims+anything@) comes here."""
    register_alias(CLAIMS_ALIAS, claim_from_mail)
