"""PostgreSQL: one GIN index over the words and the filter copies, so that a filter narrows the word lookup.

A search's words are mostly common syllables (``luu & tru``: 87 % of the documents of bench/search.py):
with a GIN index on ``tsv`` alone, PostgreSQL builds the bitmap of every document holding them and only
then intersects it with the B-tree bitmap of the filter (1M documents: 100-200 ms for one such query).
Indexing the filter copies (year, type, fonds) as tag lexemes in the same multicolumn GIN index lets one
index scan skip to the documents that pass the filter, as the SQLite backend does with its ``tags``
column. The index serves ``tsv`` alone too, so it replaces ``search_documentindex_tsv``.

``kho_search_tags`` is IMMUTABLE (an expression index needs it); the index is an expression index, so no
column is added and no row is rewritten. Nothing is done on SQLite.
"""

from django.db import migrations

TAGS_FUNCTION = """
    CREATE OR REPLACE FUNCTION kho_search_tags(smallint, varchar, bigint) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_to_tsvector(ARRAY['y' || coalesce($1, 0), 't' || $2, 'f' || coalesce($3, 0)]) $$"""
TAGS_INDEX = (
    "CREATE INDEX search_documentindex_tsv_tags ON search_documentindex"
    " USING gin (tsv, kho_search_tags(year, type_code, fonds_id))"
)
POSTGRES = [TAGS_FUNCTION, TAGS_INDEX, "DROP INDEX IF EXISTS search_documentindex_tsv"]
POSTGRES_REVERSE = [
    "CREATE INDEX IF NOT EXISTS search_documentindex_tsv ON search_documentindex USING gin (tsv)",
    "DROP INDEX IF EXISTS search_documentindex_tsv_tags",
    "DROP FUNCTION IF EXISTS kho_search_tags(smallint, varchar, bigint)",
]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE)),
    ]
