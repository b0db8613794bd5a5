"""The Tableau de bord: the user's tickets, and for managers their services' work."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_vary_headers

from tickets.dashboards import dashboard_page
from tickets.views.rows import ticket_table_rows

# The element that htmx swaps when a filter, a tab, a column header or a page changes.
RESULTS_ID = "dashboard"


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
    response = render(request, template, context)
    # The same address answers a whole page or its results alone: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


urlpatterns = [
    path("tableau-de-bord/", dashboard, name="dashboard"),
]
