"""The search vectors PostgreSQL stores for each language, and how queries read them.

Migration 0015 adds to the tables whose text is searched (processes, focus areas,
organisations, meetings) a ``tsvector`` column per language (``search_en``, ``search_fr``,
``search_es``), kept up to date by a trigger on every insert and update, however the row is
written (a save, ``QuerySet.update()``, a bulk import, raw SQL), each with a GIN index. They
are PostgreSQL's only, and not model fields: no model, form, fixture, export or history sees
them, and SQLite (which has no full-text search) simply has no such columns; search matches
text plainly there (rcp/search/query.py).

A renamed focus area or organisation changes its own row, hence its own vector: a process is
matched through its links to those rows, so nothing else has to be rebuilt. Should a later
migration rename or drop a column a trigger reads, it must recreate that trigger (the SQL is
in migration 0015).
"""

from django.db.models import BooleanField, Expression, FloatField

#: PostgreSQL's text search configuration for the text of each language.
TEXT_SEARCH_CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}


def vector_column(language: str) -> str:
    return f"search_{language}"


def _alias(compiler) -> str:
    """The query's own table (the model it selects, also inside a subquery), quoted."""
    return compiler.quote_name_unless_alias(compiler.query.get_initial_alias())


def _search_query_sql(language: str) -> str:
    """The query, as websearch reads it (quotes, ``or``, ``-``; never a syntax error), with
    the language's stemming or word for word."""
    config = TEXT_SEARCH_CONFIGS[language]
    return f"(websearch_to_tsquery('{config}', %s) || websearch_to_tsquery('simple', %s))"


class _PerLanguage(Expression):
    """An expression over the row's stored vector of each language and the query: ``part``
    is the SQL of one language's (``{vector}`` and ``{query}`` in it), and ``joined`` puts
    those of every language, joined by ``separator``, in its ``{parts}``."""

    part = joined = separator = ""

    def __init__(self, query: str):
        super().__init__(output_field=self.output_field_class())
        self.query = query

    def __repr__(self):
        return f"{type(self).__name__}({self.query!r})"

    def as_sql(self, compiler, connection):
        alias = _alias(compiler)
        parts = [
            self.part.format(
                vector=f"{alias}.{connection.ops.quote_name(vector_column(language))}",
                query=_search_query_sql(language),
            )
            for language in TEXT_SEARCH_CONFIGS
        ]
        # Each language's query takes the text twice (its stemming, and word for word).
        sql = self.joined.format(parts=self.separator.join(parts))
        return sql, [self.query] * (2 * len(parts))


class StoredMatch(_PerLanguage):
    """Whether the row's stored vector of some language matches the query: one small node
    that compiles to a few ``@@``, each able to use its language's GIN index."""

    conditional = True
    output_field_class = BooleanField
    part = "{vector} @@ {query}"
    separator = " OR "
    joined = "({parts})"


class StoredRank(_PerLanguage):
    """The row's best ``ts_rank`` over its languages' stored vectors (names weigh most)."""

    output_field_class = FloatField
    part = "ts_rank(coalesce({vector}, ''::tsvector), {query})"
    separator = ", "
    joined = "GREATEST({parts})"
