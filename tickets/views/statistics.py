"""STATISTIQUES: the figures of the reader's services (every service for an admin), one tab at a time, each
table with its chart and its CSV download. Filters are a GET form; a bad value is said and replaced by its
default."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from tickets.forms.statistics import StatisticsFilterForm
from tickets.statistics.choices import statistics_choices
from tickets.statistics.export import table_csv
from tickets.statistics.tables import DEFAULT_TAB, TABLES, TABS, tab_tables
from tickets.views.pages import manager_required


def _filters(request):
    form = StatisticsFilterForm(request.GET, user=request.user, choices=statistics_choices(request.user))
    return form, form.period(), form.scope()


@manager_required
def statistics(request):
    """GET: the tab "vue" (Activité by default) for the filters' period and scope."""
    tab = request.GET.get("vue")
    tab = tab if tab in TABS else DEFAULT_TAB
    form, period, scope = _filters(request)
    kept = request.GET.copy()
    kept.pop("vue", None)
    context = {
        "form": form,
        "period": period,
        "tab": tab,
        "tabs": list(TABS.items()),
        "tables": tab_tables(tab, scope, period, form.choices),
        "query": kept.urlencode(),
        "has_errors": bool(form.errors),
    }
    return render(request, "tickets/statistics.html", context)


@manager_required
def statistics_csv(request, table):
    """GET: one table of the statistics page as CSV (UTF-8 with BOM, semicolons), for the same filters."""
    if table not in TABLES:
        raise Http404
    form, period, scope = _filters(request)
    found = next(t for t in tab_tables(TABLES[table], scope, period, form.choices) if t.name == table)
    response = HttpResponse(table_csv(found), content_type="text/csv; charset=utf-8")
    filename = _("statistiques-%(table)s-%(first)s-%(last)s.csv") % {
        "table": table,
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
    }
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("statistiques/", statistics, name="statistics"),
    path("statistiques/<slug:table>.csv", statistics_csv, name="statistics_csv"),
]
