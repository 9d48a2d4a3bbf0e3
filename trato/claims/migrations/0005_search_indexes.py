"""Indexes for the search (trato/claims/search.py), PostgreSQL only: SQLite searches by scanning, which is fine there.

Each index is on the very expression Django writes for the lookup it serves: ``istartswith`` is
``UPPER(col::text) LIKE UPPER('abc%')`` (a B-tree with text_pattern_ops serves a prefix whatever the collation) and
``icontains`` is ``UPPER(col::text) LIKE UPPER('%abc%')`` (a pg_trgm GIN index serves it). Claim numbers need none:
they are upper case already and the unique index (with Django's varchar_pattern_ops twin) serves = and a prefix.
"""

from django.db import migrations

INDEXES = {
    "claim_subject_trgm": "claims_claim USING gin ((UPPER(subject::text)) gin_trgm_ops)",
    "claim_external_ref_upper": "claims_claim ((UPPER(external_ref::text)) text_pattern_ops)",
    "origin_document_number_upper": "claims_origindocument ((UPPER(number::text)) text_pattern_ops)",
    "origin_line_product_code_upper": "claims_originline ((UPPER(product_code::text)) text_pattern_ops)",
    "origin_line_lot_upper": "claims_originline ((UPPER(lot::text)) text_pattern_ops)",
    "repair_product_code_upper": "claims_repair ((UPPER(product_code::text)) text_pattern_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_claim_resolution_history")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
