"""Similar tickets and FAQ entries while a subject is typed (step 2 of the deposit)."""

from tickets.models import SearchDocument, Status
from tickets.search import engines
from tickets.search.faq import matching_faq
from tickets.search.listing import Match, listed_rows
from tickets.search.query import ORDER
from tickets.search.text import clean_query, query_terms

MAX_TICKETS = 5
MAX_FAQ = 3
CANDIDATES = 100
MIN_WORD = 3


def suggestions(user, raw_subject):
    """(tickets, FAQ entries) like the subject: up to five tickets the user may see holding any of its words
    (the last one may be unfinished), the most relevant among the most recent matches, and up to three FAQ
    questions. A fixed number of queries."""
    terms = [term for term in query_terms(clean_query(raw_subject)) if len(term) >= MIN_WORD or term.isdigit()]
    if not terms:
        return [], []
    sql, params = engines.match(terms, any_term=True, prefix=True)
    rarity = engines.rarity(terms, any_term=True) if engines.is_postgresql() else None
    recent = listed_rows(user, Match((sql, params), rarity=rarity), None, ORDER["recent"], limit=CANDIDATES)
    tickets = list(
        # Listed first: the match condition names the table, which a subquery would alias.
        SearchDocument.objects.filter(pk__in=recent)
        .annotate(rank=engines.rank(terms, any_term=True, prefix=True))
        .order_by("-rank", *ORDER["recent"])
        .values("ticket_id", "subject", "status")[:MAX_TICKETS]
    )
    for ticket in tickets:
        ticket["status_label"] = Status(ticket["status"]).label
    return tickets, matching_faq(user, terms, any_term=True, prefix=True, limit=MAX_FAQ)
