"""Managing the FAQ: add, edit, move, hide, delete an entry, its history, and an entry made from a ticket.

Only those who manage an entry's FAQ (``can_manage_faq``) reach these pages: for anyone else an entry or a
FAQ answers "not found", GET included, as one that does not exist. A POST calls one function of
``tickets.faq.editing``, which checks the right again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from tickets.comments.history import history_for
from tickets.faq import changes, editing
from tickets.faq.access import can_manage_faq
from tickets.forms.faq import FaqEntryForm, FaqMoveForm, TicketEntriesForm
from tickets.models import FaqEntry, Service, Status
from tickets.richtext import sanitize_html
from tickets.selectors import get_ticket_for


def _managed_entry(user, pk):
    """The entry ``pk`` when the user manages its FAQ; ``Http404`` otherwise."""
    entry = FaqEntry.objects.select_related("service", "updated_by").filter(pk=pk).first()
    if entry is None or not can_manage_faq(user, entry.service_id):
        raise Http404
    return entry


def _managed_service(user, value):
    """The service named by ``value`` (empty: the general FAQ, as None) when the user manages its FAQ;
    ``Http404`` otherwise."""
    if not value:
        service = None
    else:
        try:
            service = Service.objects.filter(pk=int(value)).first()
        except ValueError:
            raise Http404 from None
        if service is None:
            raise Http404
    if not can_manage_faq(user, service.pk if service else None):
        raise Http404
    return service


# The field next to which a refusal of ``tickets.faq.editing`` is shown; the files' checks have their own codes.
_FIELDS_OF_CODES = {"title": "title", "category": "categories", "scope": "scope", "gone": None, "other_faq": None}


def _field_of(error):
    code = getattr(error, "code", None)
    return _FIELDS_OF_CODES.get(code, "files")


def _faq_name(service):
    return service.label if service else _("FAQ générale")


def _entry_page(request, template, entry, context, status=200):
    return render(request, template, {"entry": entry, "faq_name": _faq_name(entry.service), **context}, status=status)


def _edit_form_page(request, form, *, entry=None, service=None, ticket=None, status=200):
    context = {"form": form, "entry": entry, "service": service, "ticket": ticket, "faq_name": _faq_name(service)}
    if entry is not None:
        context["faq_name"] = _faq_name(entry.service)
    return render(request, "tickets/faq/edit.html", context, status=status)


def _create(request, form, service, **page):
    """Saves a new entry from a valid ``form``; the form again on refused input."""
    try:
        entry = editing.create_faq_entry(
            actor=request.user,
            service=service,
            parent=form.cleaned_data.get("parent"),
            files=form.cleaned_data["files"],
            **form.entry_fields(),
        )
    except ValidationError as error:
        form.add_error(_field_of(error), error)
        return _edit_form_page(request, form, service=service, status=400, **page)
    messages.success(request, _("L'entrée « %(title)s » a été créée.") % {"title": entry.title})
    return redirect(reverse("faq_entry", args=[entry.pk]))


@login_required
def faq_create(request):
    """Ajouter une entrée to a FAQ (``service``, none: the general one), in the section ``parent``."""
    service = _managed_service(request.user, request.GET.get("service", ""))
    service_id = service.pk if service else None
    initial = {}
    if request.GET.get("parent"):
        parent = FaqEntry.objects.filter(pk=request.GET["parent"] if request.GET["parent"].isdigit() else 0).first()
        if parent is None or parent.service_id != service_id or not parent.is_section:
            raise Http404
        initial["parent"] = parent
    if request.method != "POST":
        return _edit_form_page(request, FaqEntryForm(service_id=service_id, initial=initial), service=service)
    form = FaqEntryForm(request.POST, request.FILES, service_id=service_id)
    if not form.is_valid():
        return _edit_form_page(request, form, service=service, status=400)
    return _create(request, form, service)


@login_required
def faq_edit(request, pk):
    """Modifier: the question, the answer, the visibility, the categories, the files."""
    entry = _managed_entry(request.user, pk)
    if request.method != "POST":
        initial = {
            "title": entry.title,
            "answer": entry.answer,
            "scope": entry.scope,
            "is_section": entry.is_section,
            "categories": list(entry.categories.all()),
        }
        form = FaqEntryForm(service_id=entry.service_id, entry=entry, initial=initial)
        return _edit_form_page(request, form, entry=entry)
    form = FaqEntryForm(request.POST, request.FILES, service_id=entry.service_id, entry=entry)
    if form.is_valid():
        try:
            editing.edit_faq_entry(
                entry,
                actor=request.user,
                new_files=form.cleaned_data["files"],
                removed_files=list(form.cleaned_data["remove_files"]),
                **form.entry_fields(),
            )
        except ValidationError as error:
            form.add_error(_field_of(error), error)
        else:
            messages.success(request, _("L'entrée a été enregistrée."))
            return redirect(reverse("faq_entry", args=[entry.pk]))
    return _edit_form_page(request, form, entry=entry, status=400)


@login_required
def faq_move(request, pk):
    """Déplacer: a new place chosen in a list (before, after an entry, in a section), or Monter/Descendre."""
    entry = _managed_entry(request.user, pk)
    entries = (
        FaqEntry.objects.filter(service_id=entry.service_id)
        .order_by("path")
        .only("pk", "path", "depth", "title", "is_section", "service_id")
    )
    status, error = 200, None
    direction = request.POST.get("direction") if request.method == "POST" else None
    data = request.POST if request.method == "POST" and not direction else None
    form = FaqMoveForm(data, entry=entry, entries=entries)
    if direction:
        try:
            editing.shift_faq_entry(entry, actor=request.user, direction=direction)
        except ValidationError as refused:
            status, error = 400, " ".join(refused.messages)
        else:
            messages.success(request, _("L'entrée a été déplacée."))
            return redirect(reverse("faq_entry", args=[entry.pk]))
    elif request.method == "POST":
        if form.is_valid():
            try:
                editing.move_faq_entry(entry, actor=request.user, target=form.target, position=form.where)
            except ValidationError as refused:
                form.add_error("position", refused)
            else:
                messages.success(request, _("L'entrée a été déplacée."))
                return redirect(reverse("faq_entry", args=[entry.pk]))
        status = 400
    return _entry_page(request, "tickets/faq/move.html", entry, {"form": form, "error": error}, status)


@login_required
def faq_hide(request, pk):
    """Masquer / Afficher (POST): hidden, the entry and what it holds are read by the FAQ's managers only."""
    entry = _managed_entry(request.user, pk)
    if request.method == "POST":
        hidden = request.POST.get("hidden") == "1"
        editing.set_faq_entry_hidden(entry, actor=request.user, hidden=hidden)
        messages.success(request, _("L'entrée est masquée.") if hidden else _("L'entrée est affichée."))
    return redirect(reverse("faq_entry", args=[entry.pk]))


@login_required
def faq_delete(request, pk):
    """Supprimer: GET asks to confirm (naming what the entry holds), POST deletes it with what it holds."""
    entry = _managed_entry(request.user, pk)
    if request.method == "POST":
        editing.delete_faq_entry(entry, actor=request.user)
        messages.success(request, _("L'entrée « %(title)s » a été supprimée.") % {"title": entry.title})
        return redirect("faq")
    held = FaqEntry.objects.filter(path__startswith=entry.path, depth__gt=entry.depth).order_by("path")
    return _entry_page(request, "tickets/faq/delete.html", entry, {"held": list(held.only("title", "depth"))})


@login_required
def faq_history(request, pk):
    """Historique of an entry: newest first, who, when, and what changed."""
    entry = _managed_entry(request.user, pk)
    lines = changes.with_sentences(changes.changes_of_entry(entry))
    return _entry_page(request, "tickets/faq/history.html", entry, {"changes": lines})


@login_required
def faq_changes(request):
    """The history of a whole FAQ (``service``; none: the general one), deleted entries included."""
    service = _managed_service(request.user, request.GET.get("service", ""))
    lines = changes.with_sentences(changes.changes_of_faq(service.pk if service else None))
    context = {"changes": lines, "service": service, "faq_name": _faq_name(service)}
    return render(request, "tickets/faq/changes.html", context)


def _approved_ticket(user, number):
    ticket = get_ticket_for(user, number)
    if ticket.status != Status.APPROVED or not can_manage_faq(user, ticket.service_id):
        raise Http404
    return ticket


@login_required
def ticket_to_faq(request, number):
    """Créer une entrée de FAQ from a ticket whose closure was approved: the history entries to use
    (``entrees``), then the entry's form filled from them, saved as any new entry, with no link to the
    ticket."""
    ticket = _approved_ticket(request.user, number)
    events = list(history_for(request.user, ticket))
    closure = [event.pk for event in events if event.kind == "ticket.closure_requested" and event.text.strip()]
    page = {"ticket": ticket}
    service_id = ticket.service_id
    if request.method == "POST":
        form = FaqEntryForm(request.POST, request.FILES, service_id=service_id)
        if not form.is_valid():
            return _edit_form_page(request, form, service=ticket.service, status=400, **page)
        return _create(request, form, ticket.service, **page)
    if "entrees" not in request.GET:
        choose = TicketEntriesForm(events=events, initial={"entrees": [str(pk) for pk in closure[-1:]]})
        return render(request, "tickets/faq/from_ticket.html", {"ticket": ticket, "form": choose})
    choose = TicketEntriesForm(request.GET, events=events)
    choose.is_valid()
    answer = "".join(sanitize_html(event.text) for event in choose.chosen())
    initial = {"title": ticket.subject, "answer": answer, "categories": [ticket.category_id]}
    form = FaqEntryForm(service_id=service_id, initial=initial)
    return _edit_form_page(request, form, service=ticket.service, **page)


urlpatterns = [
    path("faq/nouvelle/", faq_create, name="faq_create"),
    path("faq/historique/", faq_changes, name="faq_changes"),
    path("faq/<int:pk>/modifier/", faq_edit, name="faq_edit"),
    path("faq/<int:pk>/deplacer/", faq_move, name="faq_move"),
    path("faq/<int:pk>/masquer/", faq_hide, name="faq_hide"),
    path("faq/<int:pk>/supprimer/", faq_delete, name="faq_delete"),
    path("faq/<int:pk>/historique/", faq_history, name="faq_history"),
    path("ticket/<int:number>/faq/", ticket_to_faq, name="ticket_to_faq"),
]
