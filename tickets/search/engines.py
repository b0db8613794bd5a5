"""What differs between PostgreSQL and SQLite: how rows match a query, how they rank, and their snippets.

PostgreSQL: the weighted ``document`` tsvector (``tickets.search.index``) against a tsquery of the
"french_unaccent" configuration, ranked by ``ts_rank``, snippets by ``ts_headline`` on the row's own text.
SQLite (the demo): the row's ``normalized`` words (``tickets.search.text``) with LIKE, ranked by the words
found in the subject; snippets cut here. Both take the same words and answer the same tickets.
"""

from django.db import connection
from django.db.models.expressions import RawSQL

from tickets.models.search import PUBLIC_VIEWERS
from tickets.search.text import MARK_END, MARK_START, mark_words, marked_html, normalize_word, variants

TABLE = '"tickets_searchdocument"'
HEADLINE_CHARS = 20_000
HEADLINE_OPTIONS = (
    f'StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MaxWords=18, MinWords=8, FragmentDelimiter=" … "'
)


def is_postgresql():
    return connection.vendor == "postgresql"


def tsquery(terms, *, any_term=False, prefix=False):
    """A tsquery's text for these words (letters and digits only, so no operator gets through)."""
    parts = []
    for position, term in enumerate(terms):
        forms = [f"'{form}'" for form in variants(term)]
        if prefix and position == len(terms) - 1:
            forms[0] += ":*"
        parts.append("(" + " | ".join(forms) + ")")
    return (" | " if any_term else " & ").join(parts)


# The words public viewers read, alone in an expression with indexes of its own (migration 0022): PostgreSQL
# keeps statistics on an index's expression, so it knows how often a word occurs in public text, where a
# word of the managers' history entries never does. Estimated from the whole column, such a word looked
# common enough for the public rows to be read in date order, and the walk went through all of them to find
# none. The expression is NULL on every other row: a condition on it implies the row is public viewers', and
# is not counted twice against "public" and the audiences, which would underestimate it as much.
# PUBLIC_VIEWERS is the highest audience bit: a row holds it exactly when ``audiences`` is at least its value.
PUBLIC_WORDS = f'(CASE WHEN {TABLE}."public" AND {TABLE}."audiences" >= {PUBLIC_VIEWERS} THEN {TABLE}."document" END)'
PUBLIC_ROW = f"{PUBLIC_WORDS} IS NOT NULL"


def on_public_words(sql):
    """A condition of ``match`` (PostgreSQL) written on ``PUBLIC_WORDS``, for rows public viewers read."""
    return sql.replace(f'{TABLE}."document"', PUBLIC_WORDS)


# The words of a service's rows (migration 0023): each lexeme prefixed with the service ("3.salair"), so that a
# word's rows in one service are one posting list of their GIN index; the same of public viewers' rows. A word
# frequent elsewhere and absent from a service is found absent at once, where the words' index and the
# service's together read every row of either. Their statistics tell the planner a word's frequency in each
# service.
SERVICE_WORDS = f'search_service_words({TABLE}."service_id", {TABLE}."document")'
PUBLIC_SERVICE_WORDS = f'search_service_words({TABLE}."service_id", {PUBLIC_WORDS})'
_WORDS_MATCH = f"{TABLE}.\"document\" @@ to_tsquery('french_unaccent', %s)"
# The query's lexemes prefixed the same way, once the query is normalised as the document was.
_SERVICE_QUERY = (
    "regexp_replace(to_tsquery('french_unaccent', %s)::text, '''([^'']+)''', '''{service}.\\1''', 'g')::tsquery"
)


def on_service_words(words, services, *, public=False):
    """``words`` (``match``'s SQL and params, PostgreSQL) on the words of the rows of ``services`` (ids), or of
    their public viewers' rows: the rows of other services no longer match."""
    sql, params = words
    if sql != _WORDS_MATCH or not services:
        return words
    query = " || ".join(_SERVICE_QUERY.format(service=int(service)) for service in services)
    return f"{PUBLIC_SERVICE_WORDS if public else SERVICE_WORDS} @@ ({query})", params * len(services)


def match(terms, *, any_term=False, prefix=False, table=TABLE):
    """(SQL, params): the condition that a row's text holds the words."""
    if is_postgresql():
        # Fixed SQL, the words are parameters.
        return _WORDS_MATCH.replace(TABLE, table), [tsquery(terms, any_term=any_term, prefix=prefix)]
    conditions, params = [], []
    for position, term in enumerate(terms):
        last = prefix and position == len(terms) - 1
        conditions.append(f'{table}."normalized" LIKE %s')
        params.append(f"% {normalize_word(term)}{'%' if last else ' %'}")
    return "(" + (" OR " if any_term else " AND ").join(conditions) + ")", params


def rank(terms, *, any_term=False, prefix=False):
    """An expression ranking the rows: subject first, then the description, history entries, file names."""
    if is_postgresql():
        return RawSQL(
            "ts_rank(\"document\", to_tsquery('french_unaccent', %s))",
            [tsquery(terms, any_term=any_term, prefix=prefix)],
        )
    sql, params = [], []
    for position, term in enumerate(terms):
        pattern = f"% {normalize_word(term)}{'%' if prefix and position == len(terms) - 1 else ' %'}"
        sql.append("(CASE WHEN normalized_subject LIKE %s THEN 3 ELSE 0 END)")
        sql.append("(CASE WHEN normalized LIKE %s THEN 1 ELSE 0 END)")
        params += [pattern, pattern]
    return RawSQL(" + ".join(sql) or "0", params)  # noqa: S611 (fixed SQL, the words are parameters)


# A word in fewer rows than this share of the index is rare: where a relation holds few of a word's rows, a
# rare one's are found through the words' index alone, a common one's with the relation's conditions.
RARE_SHARE = 0.005
_SHARES = """
SELECT word.position, max(coalesce(stats.share, 0)) AS share
FROM unnest(%s::text[]) WITH ORDINALITY AS word(forms, position)
CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('french_unaccent', word.forms))) AS found(lexeme)
LEFT JOIN (
    SELECT unnest(most_common_elems::text::text[]) AS lexeme,
           unnest(most_common_elem_freqs[1:array_length(most_common_elems, 1)]) AS share
    FROM pg_stats WHERE tablename = 'tickets_searchdocument' AND attname = 'document'
) AS stats ON stats.lexeme = found.lexeme
GROUP BY word.position
"""


def rarity(terms, *, any_term=False):
    """(SQL, params) of a condition true when the rows holding the words are few, from the planner's statistics
    of the index (PostgreSQL), to be selected with other figures. The planner alone guesses badly for a word
    it has no statistics of."""
    pick = "max" if any_term else "min"
    return (
        f"(SELECT coalesce({pick}(share), 1) < {RARE_SHARE} FROM ({_SHARES}) AS shares)",  # noqa: S608 (fixed SQL)
        [[" ".join(variants(term)) for term in terms]],
    )


def with_snippets(rows, terms, *, prefix=False):
    """The queryset ``rows`` of index rows, reading on PostgreSQL each row's subject and snippet with the
    words found marked, in the same query (``set_snippets`` hands them over); unchanged on SQLite."""
    if not is_postgresql():
        return rows
    query = tsquery(terms, prefix=prefix) if terms else ""
    # File names as words: "capture-kangourou.png" is otherwise one token.
    parts = "nullif(description, ''), nullif(entries, ''), nullif(translate(files, '-_.', '   '), '')"
    body = f"replace(replace(left(concat_ws(E'\\n', {parts}), {HEADLINE_CHARS}), chr(57344), ''), chr(57345), '')"
    return rows.annotate(
        headline_subject=RawSQL(
            "ts_headline('french_unaccent', subject, to_tsquery('french_unaccent', %s), %s)",
            [query, HEADLINE_OPTIONS + ", HighlightAll=true"],
        ),
        headline_body=RawSQL(  # noqa: S611 (fixed SQL, the words are parameters)
            f"ts_headline('french_unaccent', {body}, to_tsquery('french_unaccent', %s), %s)",
            [query, HEADLINE_OPTIONS],
        ),
    )


def snippet_fields():
    """The values ``set_snippets`` reads of each row: the marked subject and snippet ``with_snippets`` adds
    on PostgreSQL, the text they are cut from on SQLite."""
    if is_postgresql():
        return ("headline_subject", "headline_body")
    return ("subject", "description", "entries", "files")


def set_snippets(rows, terms, *, prefix=False):
    """Sets ``subject_html`` and ``snippet_html`` in each row (a dict of ``snippet_fields()``) read through
    ``with_snippets``, with the words found marked: each snippet from the text of its own row, so only from
    what its audience reads. No query."""
    if is_postgresql():
        for row in rows:
            row["subject_html"] = marked_html(row["headline_subject"])
            row["snippet_html"] = marked_html(row["headline_body"])
        return
    stems = [normalize_word(term) for term in terms]
    for row in rows:
        body = "\n".join(part for part in (row["description"], row["entries"], row["files"]) if part)
        row["subject_html"] = marked_html(mark_words(row["subject"], stems, prefix=prefix))
        row["snippet_html"] = marked_html(mark_words(body[:HEADLINE_CHARS], stems, prefix=prefix, window=12))
