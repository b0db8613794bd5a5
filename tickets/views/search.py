"""RECHERCHE: the search page, and the suggestions under the deposit's subject (htmx)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from tickets.forms.search import SearchForm
from tickets.search.faq import matching_faq
from tickets.search.query import search
from tickets.search.suggestions import suggestions
from tickets.search.text import clean_query, query_terms
from tickets.views.rows import faq_rows, search_rows


def _page_number(value):
    try:
        return max(1, int(str(value)[:6]))
    except ValueError:
        return 1


@login_required
def search_page(request):
    """One box, filters, sorting and pages; FAQ entries the user may read in a section of their own."""
    form = SearchForm(request.GET or None, user=request.user)
    results, rows, faq = None, [], []
    if form.is_bound:
        form.is_valid()
        query = (getattr(form, "cleaned_data", {}) or {}).get("q", "")
        page = _page_number(request.GET.get("page", 1))
        results = search(request.user, query, filters=form.filters(), sort=form.sort, page=page)
        rows = search_rows(results.rows)
        faq = faq_rows(matching_faq(request.user, query_terms(clean_query(query))))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "results": results, "rows": rows, "faq": faq, "params": params}
    return render(request, "tickets/search.html", context)


@login_required
def subject_suggestions(request):
    """The list under the deposit's subject: similar tickets the user may see, matching FAQ entries."""
    subject = request.GET.get("subject", "")
    tickets, faq = suggestions(request.user, subject)
    context = {"tickets": tickets, "faq": faq, "subject": clean_query(subject)}
    return render(request, "tickets/_search_suggestions.html", context)


urlpatterns = [
    path("recherche/", search_page, name="search"),
    path("recherche/suggestions/", subject_suggestions, name="search_suggestions"),
]
