"""The ticket page and its actions: the ACTIONS menu, one form per action, bookmarks and follows.

GET shows, POST acts: an action's POST calls exactly one workflow function, then goes back to the
ticket with a message. Forms carry the ticket's version as the person saw it, so that a change made
meanwhile by someone else is refused with what they typed given back.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tickets import permissions, workflow
from tickets.administration.responses import responses_for_ticket
from tickets.comments.history import last_entry_for
from tickets.faq.access import can_manage_faq
from tickets.forms.actions import ACTION_FORMS, MENU_ORDER
from tickets.models import Status
from tickets.notifications.links import LinkRefused, check_recipient, read_link, use_link
from tickets.selectors import get_ticket_for, ticket_page
from tickets.services import personal


def menu_actions(user, ticket):
    """The ACTIONS menu: what the user may do on the ticket now, in the guide's order."""
    allowed = set(workflow.available_actions(user, ticket))
    entries = []
    for action in MENU_ORDER:
        if action in allowed:
            form_class = ACTION_FORMS[action]
            entries.append({"action": action, "label": form_class.label_for(user, ticket), "direct": form_class.direct})
    return entries


def may_make_faq_entry(user, ticket):
    """Whether the ACTIONS menu offers "Créer une entrée de FAQ": a closure approved, a FAQ manager."""
    return ticket.status == Status.APPROVED and can_manage_faq(user, ticket.service_id)


@login_required
def ticket_detail(request, number):
    """The ticket page: title, ACTIONS, status, category, owner, manager, history, files, invitees, follows."""
    context = ticket_page(request.user, number)
    personal.record_view(request.user, context["ticket"])
    context["actions"] = menu_actions(request.user, context["ticket"])
    context["may_make_faq_entry"] = may_make_faq_entry(request.user, context["ticket"])
    return render(request, "tickets/ticket.html", context)


@login_required
def ticket_access(request):
    """The "N° de ticket / Accès direct" box: to the ticket, or "not found" like any ticket one may not see."""
    number = request.GET.get("numero", "").strip().lstrip("n°").strip()
    return redirect("ticket", number=get_ticket_for(request.user, number).pk)


def _posted_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _kept_text(form, error=None):
    """What the person typed, to give back when the action could not be done."""
    if error is not None and error.text:
        return error.text
    return form.data.get(form.text_field, "") if form.text_field else ""


def _mail_link(request, ticket, action):
    """The mail link the form came from (``lien``), checked for this person, ticket and action; None if none.

    Raises ``LinkRefused`` for a link that is bad, used, expired, someone else's or outdated.
    """
    token = request.POST.get("lien") or request.GET.get("lien")
    if not token:
        return None
    link = read_link(token)
    check_recipient(link, request.user)
    if link.ticket_id != ticket.pk or link.action != action:
        raise LinkRefused(_("Ce lien n'est pas valide."))
    return link


def _link_refused(request, refused):
    return render(request, "tickets/link_refused.html", {"reason": refused.reason}, status=410)


def _saved_responses(request, ticket, form, status):
    """The saved responses to insert into the form's rich text: for a manager, when a form with one is shown."""
    if status == 403 or not form.text_field or form.text_field not in form.fields:
        return []
    return responses_for_ticket(request.user, ticket)


def _action_page(request, ticket, form, *, status=200, error=None, kept_text="", saved_responses=None):
    if saved_responses is None:
        saved_responses = _saved_responses(request, ticket, form, status)
    context = {
        "saved_responses": saved_responses,
        "link_token": request.POST.get("lien") or request.GET.get("lien") or "",
        "ticket": ticket,
        "action": form.action,
        "label": form.get_label(),
        "form": form if status != 403 else None,
        "error": error,
        "kept_text": kept_text,
        "drafts": form.drafts,
        "last_entry": last_entry_for(request.user, ticket),
    }
    response = render(request, "tickets/action_form.html", context, status=status)
    if request.htmx:
        # A one-button form of the ticket page landed on this form: the address follows what is shown.
        response["HX-Push-Url"] = reverse("ticket_action", args=[ticket.pk, form.action])
    return response


def _after_action(request, updated):
    """Back to the ticket, or home when the action took the ticket out of the person's sight."""
    if permissions.can_view(request.user, updated):
        return redirect("ticket", number=updated.pk)
    return redirect("home")


@login_required
def ticket_action(request, number, action):
    """One action of the ACTIONS menu: GET shows its form in front of the ticket, POST does it.

    Answers 404 for an unknown action or a ticket the user may not see, 403 (with the reason) for an action
    the user may not do now, 400 for a form, file or workflow error and 409 when the ticket changed
    meanwhile; a form that comes back holds the files it received, as drafts. A POST with "inserer_reponse"
    (a saved response inserted without JavaScript) only shows the form again, the response after the text.
    """
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    ticket = get_ticket_for(request.user, number)
    try:
        link = _mail_link(request, ticket, action)
    except LinkRefused as refused:
        return _link_refused(request, refused)
    if request.method != "POST":
        form = form_class(ticket=ticket, user=request.user)
        refusal = workflow.refusal(action, ticket, request.user)
        return _action_page(request, ticket, form, status=403 if refusal else 200, error=refusal)

    if "inserer_reponse" in request.POST:
        return _insert_response(request, ticket, form_class)
    form = form_class(request.POST, request.FILES, ticket=ticket, user=request.user, session=request.session)
    current_version = ticket.version
    shown_version = _posted_version(request)
    if shown_version != current_version:
        # Decided before the rights: the change made meanwhile may be what forbids the action now.
        form.keep_files()
        stale = workflow.StaleTicket(text=_kept_text(form))
        return _action_page(request, ticket, form, status=409, error=stale.message, kept_text=stale.text)
    refusal = workflow.refusal(action, ticket, request.user)
    if refusal:
        return _action_page(request, ticket, form, status=403, error=refusal, kept_text=_kept_text(form))
    if not form.is_valid():
        return _action_page(request, ticket, form, status=400)
    # The workflow compares it again under the row lock: a change landing after the check above is caught there.
    ticket.version = shown_version
    try:
        with transaction.atomic():
            if link is not None:
                use_link(link)  # once, and first: a second use at the same moment stores no file
            updated = form.perform()
    except LinkRefused as refused:
        return _link_refused(request, refused)
    except workflow.StaleTicket as error:
        ticket.refresh_from_db()  # the form shown again carries the version that is now current
        return _action_page(request, ticket, form, status=409, error=error.message, kept_text=_kept_text(form, error))
    except workflow.WorkflowError as error:
        return _action_page(request, ticket, form, status=400, error=error.message, kept_text=_kept_text(form, error))
    except ValidationError:
        return _action_page(request, ticket, form, status=400)  # a file: the form says which, on its files
    form.forget_drafts()
    messages.success(request, form.success_message)
    return _after_action(request, updated)


def _insert_response(request, ticket, form_class):
    """Without JavaScript, "Insérer": the form again with what was typed and the chosen saved response (its
    placeholders filled) after the text, its files kept as drafts; nothing is done to the ticket."""
    form = form_class(ticket=ticket, user=request.user, session=request.session)
    refusal = workflow.refusal(form.action, ticket, request.user)
    if refusal:
        return _action_page(request, ticket, form, status=403, error=refusal, kept_text=_kept_text_of(request, form))
    shown_version = _posted_version(request)
    if shown_version is not None:
        ticket.version = shown_version  # the form keeps the version the person saw: a change meanwhile is caught
    form.initial = {name: request.POST.get(name) for name in form.fields if name in request.POST and name != "files"}
    refused = []
    if form.attached:
        refused = form.attached.keep(request.POST.getlist("drafts"), request.FILES.getlist("files"))
    chosen = request.POST.get("reponse", "")
    saved = _saved_responses(request, ticket, form, 200)
    found = [response for response in saved if str(response.pk) == chosen]
    if found and form.text_field in form.fields:
        form.initial[form.text_field] = (form.initial.get(form.text_field) or "") + found[0].filled
    error = " ".join(str(message) for message in refused) or None
    if not found:
        error = _("Choisissez une réponse enregistrée.")
    return _action_page(request, ticket, form, status=200 if found else 400, error=error, saved_responses=saved)


def _kept_text_of(request, form):
    return request.POST.get(form.text_field, "") if form.text_field else ""


# The personal links of the ticket page: what sets them, and what is said when set (on) and unset (off).
PERSONAL_LINKS = {
    "bookmark": (
        personal.set_bookmark,
        gettext_lazy("Le ticket a été ajouté à vos signets."),
        gettext_lazy("Le ticket a été retiré de vos signets."),
    ),
    "follow": (
        personal.set_follow,
        gettext_lazy("Vous surveillez ce ticket : vous serez averti de chaque action."),
        gettext_lazy("Vous ne surveillez plus ce ticket."),
    ),
}


@require_POST
@login_required
def personal_link(request, number, link):
    """Ajouter un signet / Retirer le signet, Surveiller / Ne plus surveiller (``on`` = 1 or 0)."""
    ticket = get_ticket_for(request.user, number)
    set_link, said_on, said_off = PERSONAL_LINKS[link]
    is_on = set_link(request.user, ticket, on=request.POST.get("on") == "1")
    messages.success(request, said_on if is_on else said_off)
    return redirect("ticket", number=ticket.pk)


urlpatterns = [
    path("ticket/<int:number>/action/<slug:action>/", ticket_action, name="ticket_action"),
    path("ticket/<int:number>/signet/", personal_link, {"link": "bookmark"}, name="bookmark"),
    path("ticket/<int:number>/surveiller/", personal_link, {"link": "follow"}, name="follow"),
]
