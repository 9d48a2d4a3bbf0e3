"""One trigram index per searched column instead of one per table (0003), PostgreSQL only.

The planner prices a scan of a multicolumn GIN index as if it read every column's entries, so on a smaller table it
preferred reading the table whole to looking a fragment up in it. Same expressions as 0003: Django's ``icontains``
is ``UPPER(col::text) LIKE UPPER('%abc%')``; ``name_key`` is searched with ``contains`` (already lower case).
"""

from django.db import migrations

REPLACED = {
    "partner_search_trgm": "partners_partner USING gin ((UPPER(name::text)) gin_trgm_ops, name_key gin_trgm_ops, "
    "(UPPER(email::text)) gin_trgm_ops, (UPPER(city::text)) gin_trgm_ops)",
    "contact_search_trgm": "partners_contact USING gin ((UPPER(first_name::text)) gin_trgm_ops, "
    "(UPPER(last_name::text)) gin_trgm_ops, (UPPER(email::text)) gin_trgm_ops)",
}
INDEXES = {
    "partner_name_trgm": "partners_partner USING gin ((UPPER(name::text)) gin_trgm_ops)",
    "partner_name_key_trgm": "partners_partner USING gin (name_key gin_trgm_ops)",
    "partner_email_trgm": "partners_partner USING gin ((UPPER(email::text)) gin_trgm_ops)",
    "partner_city_trgm": "partners_partner USING gin ((UPPER(city::text)) gin_trgm_ops)",
    "contact_first_name_trgm": "partners_contact USING gin ((UPPER(first_name::text)) gin_trgm_ops)",
    "contact_last_name_trgm": "partners_contact USING gin ((UPPER(last_name::text)) gin_trgm_ops)",
    "contact_email_trgm": "partners_contact USING gin ((UPPER(email::text)) gin_trgm_ops)",
}


def _swap(schema_editor, create: dict[str, str], drop: dict[str, str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in create.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    for name in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def forwards(apps, schema_editor):
    _swap(schema_editor, INDEXES, REPLACED)


def backwards(apps, schema_editor):
    _swap(schema_editor, REPLACED, INDEXES)


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
