"""Record numbers such as RC-2026-00042: one gapless sequence per prefix and year.

``next_number`` must run inside the transaction that saves the numbered record: the sequence row stays locked
until that transaction ends, so two writers never get the same number, and a rolled-back record gives its number
back (no gaps). The first number of a year creates the row; when two writers create it at the same moment, the
loser's insert fails inside a savepoint and it then locks the winner's row.
"""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from trato.core.services import in_transaction
from trato.numbering.models import Sequence

PREFIX = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")


def _locked_sequence(prefix: str, year: int) -> Sequence:
    sequence = Sequence.objects.select_for_update().filter(prefix=prefix, year=year).first()
    if sequence is not None:
        return sequence
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer transaction usable
            Sequence.objects.create(prefix=prefix, year=year)
    except IntegrityError:
        pass  # another writer created it first; take its row below
    return Sequence.objects.select_for_update().get(prefix=prefix, year=year)


def next_number(*, prefix: str, year: int | None = None, width: int = 5) -> str:
    """The next number of ``prefix`` in ``year`` (this year by default), e.g. "RC-2026-00042"."""
    if not PREFIX.match(prefix):
        raise ValueError(f"A number prefix is a few capital letters or digits, not {prefix!r}.")
    if not in_transaction():
        raise RuntimeError("next_number needs the transaction that saves the numbered record.")
    year = year or timezone.localdate().year
    sequence = _locked_sequence(prefix, year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:0{width}d}"
