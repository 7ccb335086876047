"""Search tables: the indexed text of each document, plus the vendor's full-text objects.

SQLite: the FTS5 table ``search_fts`` (see ``kho.search.backends.sqlite``). PostgreSQL: the ``unaccent``
extension, the IMMUTABLE ``f_unaccent`` wrapper, the ``vi_unaccent`` configuration, and generated
``tsvector`` columns with GIN indexes on ``search_documentindex`` (see ``kho.search.backends.postgres``).
Creating the extension needs a superuser (``postgres`` in tests) or a database owner on PostgreSQL 13+.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
         symbol, title, meta, body, exact, tags, tokenize = 'unicode61 remove_diacritics 0')""",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts"]


def _tsv(text, weight):
    return f"setweight(to_tsvector('simple'::regconfig, f_unaccent({text})), '{weight}')"


TSV = " || ".join(
    [
        _tsv("symbol_terms", "A"),
        _tsv("type_name || ' ' || subject", "B"),
        _tsv("organ_name || ' ' || signer || ' ' || record_title", "C"),
        _tsv("body", "D"),
    ]
)
EXACT_TEXT = "type_name || ' ' || subject || ' ' || organ_name || ' ' || signer || ' ' || record_title || ' ' || body"
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'vi_unaccent') THEN
           CREATE TEXT SEARCH CONFIGURATION vi_unaccent (COPY = simple);
           ALTER TEXT SEARCH CONFIGURATION vi_unaccent
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
         END IF;
       END $$""",
    f"ALTER TABLE search_documentindex ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({TSV}) STORED",
    f"""ALTER TABLE search_documentindex ADD COLUMN tsv_exact tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {EXACT_TEXT})) STORED""",
    "CREATE INDEX search_documentindex_tsv ON search_documentindex USING gin (tsv)",
    # More lexemes in the statistics, so that the planner knows which words are common.
    "ALTER TABLE search_documentindex ALTER COLUMN tsv SET STATISTICS 1000",
    "CREATE INDEX search_documentindex_tsv_exact ON search_documentindex USING gin (tsv_exact)",
]
# The extension, f_unaccent and vi_unaccent may be shared with other apps: they are left in place.
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_documentindex_tsv_exact",
    "DROP INDEX IF EXISTS search_documentindex_tsv",
    "ALTER TABLE search_documentindex DROP COLUMN IF EXISTS tsv_exact",
    "ALTER TABLE search_documentindex DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="FtsEntry",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="records.document",
                    ),
                ),
            ],
            options={
                "db_table": "search_fts",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="DocumentIndex",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="records.document",
                        verbose_name="tài liệu",
                    ),
                ),
                ("number_symbol", models.TextField(blank=True, verbose_name="số, ký hiệu")),
                ("symbol_terms", models.TextField(blank=True, verbose_name="số, ký hiệu đã chuẩn hóa")),
                ("type_name", models.TextField(blank=True, verbose_name="tên loại")),
                ("subject", models.TextField(blank=True, verbose_name="trích yếu")),
                ("organ_name", models.TextField(blank=True, verbose_name="cơ quan ban hành")),
                ("signer", models.TextField(blank=True, verbose_name="người ký")),
                ("record_title", models.TextField(blank=True, verbose_name="tiêu đề hồ sơ")),
                ("body", models.TextField(blank=True, verbose_name="nội dung văn bản")),
                ("type_code", models.CharField(blank=True, max_length=2, verbose_name="mã tên loại")),
                ("year", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="năm ban hành")),
                ("indexed_at", models.DateTimeField(auto_now=True, verbose_name="lập chỉ mục lúc")),
                (
                    "fonds",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="records.fonds",
                    ),
                ),
            ],
            options={
                "verbose_name": "chỉ mục tài liệu",
                "verbose_name_plural": "chỉ mục tài liệu",
                "indexes": [
                    models.Index(fields=["year"], name="search_docu_year_48dd5c_idx"),
                    models.Index(fields=["type_code", "year"], name="search_docu_type_co_b6c257_idx"),
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
