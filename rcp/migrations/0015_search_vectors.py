"""Stored search vectors on PostgreSQL (rcp/search/vectors.py): a ``tsvector`` column per
language on each table whose text search reads, filled by a trigger on every insert and update
and indexed with GIN. SQLite has no full-text search: nothing is done there.

Names and acronyms are also read word for word ("simple"), for the names a stemmer would cut;
in a process's vector names and acronyms weigh most (A), objectives least (D). Columns that a
trigger reads are named in its function: a migration renaming or dropping one of them must
recreate the function (run this migration's SQL again with the new names).
"""

from django.db import migrations

CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}

#: For each table, its vector's parts: (weight, columns, also word for word).
PARTS = {
    "rcp_process": [
        ("A", ["name_{l}", "acronym_{l}"], True),
        ("D", ["objectives_{l}"], False),
    ],
    "rcp_focusarea": [("B", ["name_{l}"], True)],
    "rcp_organisation": [("B", ["name_{l}", "acronym_{l}", "english_name"], True)],
    "rcp_meeting": [("C", ["title_{l}", "city_{l}"], True)],
}


def vector_sql(table: str, language: str) -> str:
    pieces = []
    for weight, columns, word_for_word in PARTS[table]:
        text = " || ' ' || ".join(
            f"coalesce(NEW.{column.format(l=language)}, '')" for column in columns
        )
        configs = [CONFIGS[language]] + (["simple"] if word_for_word else [])
        pieces += [
            f"setweight(to_tsvector('{config}'::regconfig, {text}), '{weight}')"
            for config in configs
        ]
    return " || ".join(pieces)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in PARTS:
        columns = ", ".join(f"ADD COLUMN search_{language} tsvector" for language in CONFIGS)
        assignments = "\n".join(
            f"  NEW.search_{language} := {vector_sql(table, language)};" for language in CONFIGS
        )
        schema_editor.execute(f"ALTER TABLE {table} {columns}")
        schema_editor.execute(
            f"CREATE FUNCTION {table}_search_vectors() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{assignments}\n  RETURN NEW;\nEND\n$$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_search_vectors BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_search_vectors()"
        )
        schema_editor.execute(f"UPDATE {table} SET search_en = NULL")  # the trigger fills them
        for language in CONFIGS:
            schema_editor.execute(
                f"CREATE INDEX {table}_search_{language} ON {table} USING gin (search_{language})"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in PARTS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vectors ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vectors()")
        columns = ", ".join(f"DROP COLUMN IF EXISTS search_{language}" for language in CONFIGS)
        schema_editor.execute(f"ALTER TABLE {table} {columns}")


class Migration(migrations.Migration):
    dependencies = [
        ("rcp", "0014_translations_ordering"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
