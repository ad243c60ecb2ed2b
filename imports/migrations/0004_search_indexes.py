"""Indexes for the search box (``cbec_supervision.search``), on PostgreSQL only.

The HS codes of lines by prefix: a ``varchar_pattern_ops`` B-tree; the CAS numbers of lines (a JSON
list) by ``@>``: a GIN ``jsonb_path_ops`` index. (Batch numbers by prefix: Django's own pattern index
of the unique column.) SQLite matches without them (see ``filings`` migration 0006 for why they are
SQL, not model indexes).
"""

from django.db import migrations

INDEXES = [
    ("item_hs_prefix_idx", "imports_importitem", "(hs_code varchar_pattern_ops)"),
    ("item_cas_gin_idx", "imports_importitem", "USING gin (cas_numbers jsonb_path_ops)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("imports", "0003_item_confirmation_note")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
