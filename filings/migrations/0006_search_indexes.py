"""Indexes for the search box (``cbec_supervision.search``), on PostgreSQL only.

Names are matched by substring (``ILIKE '%...%'``): GIN trigram indexes (``pg_trgm``) serve it.
CAS numbers (a JSON list) by ``@>``: a GIN ``jsonb_path_ops`` index. HS codes, GTINs and filing
numbers, by prefix or exactly, use Django's own indexes of those columns (``varchar_pattern_ops``).
SQLite has none of these and matches with ``icontains`` (small data), so the indexes are created by
SQL here rather than declared on the model (a GIN index would not migrate on SQLite).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("product_name_trgm_idx", "filings_productfiling", "USING gin (name gin_trgm_ops)"),
    ("product_name_en_trgm_idx", "filings_productfiling", "USING gin (name_en gin_trgm_ops)"),
    ("product_cas_gin_idx", "filings_productfiling", "USING gin (cas_numbers jsonb_path_ops)"),
    ("enterprise_name_trgm_idx", "filings_enterprisefiling", "USING gin (name gin_trgm_ops)"),
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
    dependencies = [("filings", "0005_product_suspicion_and_prohibited_flag")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop, elidable=False)]
