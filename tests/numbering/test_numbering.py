"""Record numbers: one gapless sequence per prefix and year, safe when many writers take numbers at once."""

import importlib
import threading

import pytest
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from trato.core.services import service_transaction
from trato.numbering.models import Sequence
from trato.numbering.services import next_number

COPY_MIGRATION = importlib.import_module("trato.numbering.migrations.0002_copy_claim_sequences")


class Abandoned(Exception):
    pass


def _number(**kwargs) -> str:
    with service_transaction():
        return next_number(**kwargs)


@pytest.mark.django_db
def test_numbers_count_up_per_prefix_and_year():
    assert [_number(prefix="RC", year=2026) for _ in range(3)] == ["RC-2026-00001", "RC-2026-00002", "RC-2026-00003"]
    assert _number(prefix="RP", year=2026) == "RP-2026-00001"
    assert _number(prefix="RC", year=2027) == "RC-2027-00001"
    assert _number(prefix="OF", year=2026, width=3) == "OF-2026-001"


@pytest.mark.django_db
def test_the_year_is_this_year_unless_given(settings):
    from django.utils import timezone

    assert _number(prefix="RC") == f"RC-{timezone.localdate().year}-00001"


@pytest.mark.django_db
def test_a_number_taken_by_a_rolled_back_record_is_given_again():
    with pytest.raises(Abandoned), service_transaction():
        assert next_number(prefix="RC", year=2026) == "RC-2026-00001"
        raise Abandoned  # the record that took the number is never saved
    assert _number(prefix="RC", year=2026) == "RC-2026-00001"


@pytest.mark.django_db
def test_a_number_needs_the_transaction_that_saves_its_record():
    with pytest.raises(RuntimeError, match="needs the transaction"):
        next_number(prefix="RC", year=2026)
    assert not Sequence.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "rc", "R-C", "TOOLONGPREFIX", "RC "])
def test_a_prefix_is_a_few_capital_letters_or_digits(prefix):
    with pytest.raises(ValueError, match="prefix"), service_transaction():
        next_number(prefix=prefix, year=2026)


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_the_claims_sequences_over():
    state_apps = MigrationLoader(connection).project_state(("numbering", "0002_copy_claim_sequences")).apps
    old_model = state_apps.get_model("claims", "NumberSequence")
    with connection.schema_editor() as editor:  # its table is gone by now: bring it back for this test
        editor.create_model(old_model)
    try:
        old_model.objects.create(prefix="RC", year=2026, last=41)
        old_model.objects.create(prefix="NC", year=2025, last=7)
        COPY_MIGRATION.copy_claim_sequences(state_apps, None)
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(old_model)
    assert sorted(Sequence.objects.values_list("prefix", "year", "last")) == [("NC", 2025, 7), ("RC", 2026, 41)]
    assert _number(prefix="RC", year=2026) == "RC-2026-00042"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_fifty_numbers_taken_at_once_are_unique_and_gapless():
    writers, per_writer = 10, 5
    start = threading.Barrier(writers)
    numbers, failures = [], []

    def take():
        try:
            start.wait()  # everyone asks for the first number of a year nobody has numbered yet
            for _ in range(per_writer):
                with transaction.atomic(durable=True):
                    numbers.append(next_number(prefix="TT", year=2031))
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert sorted(numbers) == [f"TT-2031-{n:05d}" for n in range(1, writers * per_writer + 1)]
    assert Sequence.objects.get(prefix="TT", year=2031).last == writers * per_writer
