"""FAQ entries that match a search, among those the person may read (``tickets.faq.access``).

The FAQ is small beside the tickets: it is matched without an index of its own, on PostgreSQL with the same
"french_unaccent" configuration as the tickets, on SQLite with the same normalised words.
"""

from dataclasses import dataclass

from django.db.models.expressions import RawSQL

from tickets.faq.access import readable_faq_entries
from tickets.richtext import html_to_text
from tickets.search import engines
from tickets.search.text import mark_words, marked_html, normalize, normalize_word

MAX_FAQ = 10
TABLE = '"tickets_faqentry"'
_TEXT = (
    f"setweight(to_tsvector('french_unaccent', {TABLE}.\"title\"), 'A') || "
    f"setweight(to_tsvector('french_unaccent', regexp_replace({TABLE}.\"answer\", '<[^>]*>', ' ', 'g')), 'B')"
)


@dataclass(frozen=True)
class FaqMatch:
    pk: int
    title: str
    title_html: str
    snippet_html: str


def matching_faq(user, terms, *, any_term=False, prefix=False, limit=MAX_FAQ):
    """Up to ``limit`` ``FaqMatch``es of the questions of the FAQ the user may read that hold the words, best
    first, with ``title_html`` and ``snippet_html`` (escaped, words marked). One query."""
    if not terms:
        return []
    entries = readable_faq_entries(user).filter(is_section=False)
    if engines.is_postgresql():
        query = engines.tsquery(terms, any_term=any_term, prefix=prefix)
        body = (
            f"regexp_replace(replace(replace({TABLE}.\"answer\", chr(57344), ''), chr(57345), ''), '<[^>]*>', ' ', 'g')"
        )
        found = (
            entries.extra(  # noqa: S610 (fixed SQL, the words are parameters)
                where=[f"({_TEXT}) @@ to_tsquery('french_unaccent', %s)"], params=[query]
            )
            .annotate(
                rank=RawSQL(  # noqa: S611
                    f"ts_rank({_TEXT}, to_tsquery('french_unaccent', %s))", [query]
                ),
                title_marked=RawSQL(  # noqa: S611
                    f"ts_headline('french_unaccent', {TABLE}.\"title\", to_tsquery('french_unaccent', %s), %s)",
                    [query, engines.HEADLINE_OPTIONS + ", HighlightAll=true"],
                ),
                snippet_marked=RawSQL(  # noqa: S611
                    f"ts_headline('french_unaccent', left({body}, 20000), to_tsquery('french_unaccent', %s), %s)",
                    [query, engines.HEADLINE_OPTIONS],
                ),
            )
            .order_by("-rank", "title", "pk")
            .values_list("pk", "title", "title_marked", "snippet_marked")[:limit]
        )
        return [
            FaqMatch(pk, title, marked_html(title_marked), marked_html(" ".join(snippet_marked.split())))
            for pk, title, title_marked, snippet_marked in found
        ]
    stems = [normalize_word(term) for term in terms]
    scored = []
    for entry in entries.only("pk", "title", "answer", "service_id"):
        answer = html_to_text(entry.answer)
        title, text = normalize(entry.title), normalize(entry.title + " " + answer)
        hits = [_holds(text, stem, prefix and index == len(stems) - 1) for index, stem in enumerate(stems)]
        if not (any(hits) if any_term else all(hits)):
            continue
        in_title = sum(_holds(title, stem, prefix and index == len(stems) - 1) for index, stem in enumerate(stems))
        title_html = marked_html(mark_words(entry.title, stems, prefix=prefix))
        snippet_html = marked_html(mark_words(answer, stems, prefix=prefix, window=12))
        scored.append(
            (-in_title, -sum(hits), entry.title, entry.pk, FaqMatch(entry.pk, entry.title, title_html, snippet_html))
        )
    return [item[-1] for item in sorted(scored)[:limit]]


def _holds(normalized, stem, prefix):
    return f" {stem}" in normalized if prefix else f" {stem} " in normalized
