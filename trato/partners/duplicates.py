"""Likely duplicates of a partner being created or edited: same tax id, email or phone, or a very similar name.

The search covers every partner, because a duplicate hidden from the user is still a duplicate, but it names
only the partners the user may see; for the others it says what matched without saying which partner.
"""

import difflib
import re
import unicodedata

from django.db.models import Q
from django.utils.translation import gettext_lazy

from trato.partners.models import Partner

NAME_SIMILARITY = 0.85
MAX_NAME_CANDIDATES = 500
MAX_SHOWN = 10

# Legal forms, written without dots; "S. L." and "s.l.u" normalise to these.
LEGAL_SUFFIXES = {
    "sl",
    "slu",
    "sll",
    "slne",
    "sa",
    "sau",
    "sal",
    "scoop",
    "scl",
    "sc",
    "scp",
    "cb",
    "sccl",
    "srl",
    "sas",
    "sarl",
    "spa",
    "gmbh",
    "ag",
    "kg",
    "ltd",
    "limited",
    "llc",
    "inc",
    "corp",
    "co",
    "plc",
    "bv",
    "nv",
    "ab",
}
# Words that do not tell companies apart, skipped when choosing the word to prefilter on.
INSIGNIFICANT_WORDS = {"el", "la", "los", "las", "de", "del", "y", "e", "the", "and", "of", "grupo", "group"}


def normalise_tax_id(raw: str) -> str:
    """Upper case, no spaces, dots or dashes, without a leading Spanish country prefix: "es-b12.345.678" → B12345678."""
    compact = re.sub(r"[\s.\-/]", "", raw or "").upper()
    if compact.startswith("ES") and len(compact) > 2:
        compact = compact[2:]
    return compact


def normalise_email(raw: str) -> str:
    return (raw or "").strip().lower()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _drop_legal_suffixes(words: list[str]) -> list[str]:
    # Up to three trailing words are joined first, so "S. L. U." and "S. Coop." are caught as well as "SLU".
    while True:
        size = next(
            (n for n in (3, 2, 1) if n < len(words) and "".join(words[-n:]) in LEGAL_SUFFIXES),
            0,
        )
        if not size:
            return words
        words = words[:-size]


def name_key(name: str) -> str:
    """A company name reduced for comparison: "Talleres Pérez, S.L." → "talleres perez"."""
    text = _strip_accents(name or "").lower().replace(".", "").replace("&", " y ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(_drop_legal_suffixes(words))


def _significant_word(key: str) -> str:
    words = key.split()
    return next((w for w in words if w not in INSIGNIFICANT_WORDS), words[0] if words else "")


def _similarity(key: str, other: str) -> float:
    if key == other:
        return 1.0
    if re.findall(r"\d+", key) != re.findall(r"\d+", other):
        return 0.0  # "Talleres 2000" and "Talleres 3000" are different companies, however alike they read
    return difflib.SequenceMatcher(None, key, other).ratio()


def _name_matches(key: str, exclude_pk) -> list[int]:
    """Partners whose name is very similar, most similar first."""
    word = _significant_word(key)
    if not word:
        return []
    # One indexed prefilter, then the close comparison in Python on a bounded candidate list.
    candidates = (
        Partner.objects.filter(Q(name_key__startswith=word) | Q(name_key__contains=f" {word}"))
        .exclude(pk=exclude_pk)
        .values_list("pk", "name_key")[:MAX_NAME_CANDIDATES]
    )
    scored = [(score, pk) for pk, other in candidates if (score := _similarity(key, other)) >= NAME_SIMILARITY]
    return [pk for _score, pk in sorted(scored, key=lambda item: (-item[0], item[1]))[:MAX_SHOWN]]


def _exact_matches(*, tax_id: str, email: str, phone_e164: str, exclude_pk) -> dict[str, list[int]]:
    lookups = {}
    if tax_id:
        lookups["tax_id"] = Q(tax_id_normalized=tax_id)
    if email:
        lookups["email"] = Q(email=email) | Q(invoice_email=email)
    if phone_e164:
        lookups["phone"] = Q(phone_e164=phone_e164) | Q(mobile_e164=phone_e164)
    return {
        reason: list(Partner.objects.filter(condition).exclude(pk=exclude_pk).values_list("pk", flat=True)[:20])
        for reason, condition in lookups.items()
    }


def _phone_e164(phone: str) -> str:
    if not phone:
        return ""
    from trato.partners.phones import normalise

    return normalise(phone).e164 or ""


# What matched, said of a partner the user may see, and of one they may not (without naming it).
SHOWN_REASONS = {
    "tax_id": gettext_lazy("same tax id"),
    "email": gettext_lazy("same email"),
    "phone": gettext_lazy("same phone"),
    "name": gettext_lazy("very similar name"),
}
HIDDEN_REASONS = {
    "tax_id": gettext_lazy("A partner you cannot see has the same tax id."),
    "email": gettext_lazy("A partner you cannot see has the same email."),
    "phone": gettext_lazy("A partner you cannot see has the same phone."),
    "name": gettext_lazy("A partner you cannot see has a very similar name."),
}


def likely_duplicates(
    *, name: str = "", tax_id: str = "", email: str = "", phone: str = "", exclude_pk=None, user
) -> list[tuple[Partner | None, str]]:
    """(partner, reason) for each likely duplicate the user may see; (None, reason) for each kind of match
    found only among partners the user may not see, without naming them."""
    reasons_by_pk: dict[int, list[str]] = {}
    matches = _exact_matches(
        tax_id=normalise_tax_id(tax_id),
        email=normalise_email(email),
        phone_e164=_phone_e164(phone),
        exclude_pk=exclude_pk,
    )
    key = name_key(name)
    matches["name"] = _name_matches(key, exclude_pk) if key else []
    for reason, pks in matches.items():
        for pk in pks:
            reasons_by_pk.setdefault(pk, []).append(reason)
    return _reveal(reasons_by_pk, user)


def _reveal(reasons_by_pk: dict[int, list[str]], user) -> list[tuple[Partner | None, str]]:
    if not reasons_by_pk:
        return []
    visible = Partner.objects.visible_to(user).filter(pk__in=reasons_by_pk).in_bulk()
    warnings: list[tuple[Partner | None, str]] = []
    hidden_reasons = set()
    # Same tax id, email or phone come first (they were found first), then names by similarity.
    for pk, reasons in reasons_by_pk.items():
        if pk in visible:
            warnings.append((visible[pk], ", ".join(str(SHOWN_REASONS[r]) for r in reasons)))
        else:
            hidden_reasons.update(reasons)
    warnings = warnings[:MAX_SHOWN]
    warnings += [(None, str(HIDDEN_REASONS[r])) for r in HIDDEN_REASONS if r in hidden_reasons]
    return warnings
