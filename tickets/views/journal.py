"""Journal: the activity of the manager's services as a feed, and the audit log of their administration."""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from tickets.administration import journal as feed
from tickets.forms.journal import JournalFilterForm
from tickets.views.pages import manager_required
from tickets.views.rows import journal_rows

ACTIVITY, ADMINISTRATION = "activite", "administration"


@manager_required
def journal(request):
    """GET: one page of the activity ("vue=activite", the default) or of the audit log ("vue=administration"),
    filtered; a bad filter or page is said, and left out."""
    view = ADMINISTRATION if request.GET.get("vue") == ADMINISTRATION else ACTIVITY
    form = JournalFilterForm(request.GET, choices=feed.journal_choices(request.user), activity=view == ACTIVITY)
    filters = form.filters()
    after = feed.read_cursor(request.GET.get("apres"))
    page_error = None
    if request.GET.get("apres") and not after:
        page_error = _("Cette page du journal n'existe pas : voici la première.")
    read = feed.activity if view == ACTIVITY else feed.administration
    rows, cursor = read(request.user, filters, after)
    kept = request.GET.copy()
    kept.pop("apres", None)
    kept["vue"] = view
    first_page = kept.urlencode()
    next_page = None
    if cursor:
        kept["apres"] = cursor
        next_page = kept.urlencode()
    context = {
        "view": view,
        "form": form,
        "rows": journal_rows(rows) if view == ACTIVITY else rows,
        "first_page": first_page if after else None,
        "next_page": next_page,
        "page_error": page_error,
    }
    return render(request, "tickets/administration/journal.html", context)


urlpatterns = [path("journal/", journal, name="journal")]
