"""Evidence and its custody log are never changed nor deleted, in the database too, not only in the ORM
and the admin.

PostgreSQL refuses UPDATE and DELETE on their rows (TRUNCATE, which only an operator runs, is left alone
so test databases can be flushed). SQLite refuses UPDATE; its flush deletes rows, so DELETE stays
allowed there. The custody log's hash chain detects tampering by anyone who disables these triggers.
"""

from django.db import migrations

TABLES = ("anticounterfeit_evidence", "anticounterfeit_custodyevent")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION anticounterfeit_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'evidence and its custody log are never changed nor deleted (%%)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION anticounterfeit_immutable();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'evidence and its custody log are never changed'); END;"
            )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable;")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS anticounterfeit_immutable();")


class Migration(migrations.Migration):
    dependencies = [("anticounterfeit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
