"""Indexes for the search (trato/partners/selectors.py), PostgreSQL only: SQLite searches by scanning, which is fine
there.

Each index is on the very expression Django writes for the lookup it serves: ``icontains`` is
``UPPER(col::text) LIKE UPPER('%abc%')`` (pg_trgm GIN; one multicolumn index per table serves a fragment of any of
its columns), ``istartswith`` is ``UPPER(col::text) LIKE UPPER('abc%')`` (a B-tree with text_pattern_ops), and a
phone number's trailing digits are a prefix of ``REVERSE(phone_e164)``. The tax id's prefix is served by Django's
varchar_pattern_ops index on tax_id_normalized, an E.164 number by the plain index on phone_e164.
"""

from django.db import migrations

INDEXES = {
    "partner_search_trgm": "partners_partner USING gin ((UPPER(name::text)) gin_trgm_ops, name_key gin_trgm_ops, "
    "(UPPER(email::text)) gin_trgm_ops, (UPPER(city::text)) gin_trgm_ops)",
    "partner_ref_upper": "partners_partner ((UPPER(ref::text)) text_pattern_ops)",
    "partner_phone_reversed": "partners_partner ((REVERSE(phone_e164::text)) text_pattern_ops)",
    "partner_mobile_reversed": "partners_partner ((REVERSE(mobile_e164::text)) text_pattern_ops)",
    "contact_search_trgm": "partners_contact USING gin ((UPPER(first_name::text)) gin_trgm_ops, "
    "(UPPER(last_name::text)) gin_trgm_ops, (UPPER(email::text)) gin_trgm_ops)",
    "contact_phone_reversed": "partners_contact ((REVERSE(phone_e164::text)) text_pattern_ops)",
    "contact_mobile_reversed": "partners_contact ((REVERSE(mobile_e164::text)) text_pattern_ops)",
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
    dependencies = [("partners", "0002_partner_name_key_and_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
