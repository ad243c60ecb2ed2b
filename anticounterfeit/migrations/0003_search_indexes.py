"""Indexes for the search box (``anticounterfeit.selectors``), on PostgreSQL only: GIN trigram indexes
(``pg_trgm``, created by filings' search migration) serve the substring matches (``ILIKE '%...%'``) on the
words of cases and leads; case numbers, by prefix, use the unique index of ``case_no``. SQLite has none
of these and matches with ``icontains`` (small data), so they are created by SQL here, as filings does."""

from django.db import migrations

INDEXES = [
    ("ccase_title_trgm_idx", "anticounterfeit_counterfeitcase", "USING gin (title gin_trgm_ops)"),
    ("ccase_brand_trgm_idx", "anticounterfeit_counterfeitcase", "USING gin (brand gin_trgm_ops)"),
    ("ccase_party_trgm_idx", "anticounterfeit_counterfeitcase", "USING gin (party_name gin_trgm_ops)"),
    ("clead_title_trgm_idx", "anticounterfeit_counterfeitlead", "USING gin (title gin_trgm_ops)"),
    ("clead_brand_trgm_idx", "anticounterfeit_counterfeitlead", "USING gin (brand gin_trgm_ops)"),
    ("clead_seller_trgm_idx", "anticounterfeit_counterfeitlead", "USING gin (seller_name gin_trgm_ops)"),
    ("clead_goods_trgm_idx", "anticounterfeit_counterfeitlead", "USING gin (product_name gin_trgm_ops)"),
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
    dependencies = [("anticounterfeit", "0002_evidence_append_only"), ("filings", "0006_search_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
