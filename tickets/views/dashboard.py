"""The Tableau de bord: the user's tickets, and for managers their services' work."""

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_vary_headers

from tickets.dashboards import dashboard_page
from tickets.views.rows import ticket_table_rows

# The element that htmx swaps when a filter, a tab, a column header or a page changes.
RESULTS_ID = "dashboard"
# The direction a column header sorts in first: dates and numbers newest first, text from A.
FIRST_DIRECTION = {"numero": "-numero", "sujet": "sujet", "statut": "statut", "derniere_action": "-derniere_action"}


@login_required
def dashboard(request):
    """Views as tabs with their counts, filters, sorting, pagination, unread marks and direct access.

    An htmx request aimed at the results gets only them; the same GET links and form work without JavaScript.
    """
    template = "tickets/dashboard.html"
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == RESULTS_ID and not htmx.history_restore_request:
        template += "#" + RESULTS_ID
    context = dashboard_page(request.user, request.GET)
    context["rows"] = ticket_table_rows(context["page_obj"].object_list)
    params = context["params"]
    context["tabs"] = [replace(tab, link=link_to(params, vue=tab.key, page=None)) for tab in context["tabs"]]
    context["sorting"] = sort_columns(context["query"].sort, params)
    response = render(request, template, context)
    # The same address answers a whole page or its results alone: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def sort_columns(sort, params):
    """For each sortable column: the ``tri`` its header links to, its ``aria-sort`` state and its ``link``."""
    columns = {}
    for key, first in FIRST_DIRECTION.items():
        if sort == key:
            columns[key] = {"next": f"-{key}", "aria": "ascending"}
        elif sort == f"-{key}":
            columns[key] = {"next": key, "aria": "descending"}
        else:
            columns[key] = {"next": first, "aria": ""}
        columns[key]["link"] = link_to(params, tri=columns[key]["next"], page=None)
    return columns


def link_to(params, **changes):
    """The query string ``{% querystring params name=value %}`` gives (None drops a name), built here: the
    tabs and the column headers make a dozen such links per page, and each tag costs as much as a row."""
    merged = {**params, **changes}
    return "?" + urlencode({name: value for name, value in merged.items() if value is not None})


urlpatterns = [
    path("tableau-de-bord/", dashboard, name="dashboard"),
]
