"""Files of tickets, served only to those who may see them, and removed by the service's managers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tickets import workflow
from tickets.attachments.serving import serve_attachment
from tickets.selectors import get_attachment_for, get_ticket_for


@login_required
def attachment(request, token, thumbnail=False):
    """A ticket's file, to those who may see it; anyone else gets "not found"."""
    return serve_attachment(get_attachment_for(request.user, token), thumbnail=thumbnail)


@login_required
def remove_attachment(request, number, token):
    """Supprimer un fichier: GET asks to confirm, POST removes it (``workflow.remove_file``) and goes back to
    the ticket. Answers 404 for a ticket or a file the user may not see (or a file of another ticket), 403
    with the reason to who may not remove it, 400 when it is gone meanwhile, 409 when the ticket changed."""
    ticket = get_ticket_for(request.user, number)
    file = get_attachment_for(request.user, token)
    if file.ticket_id != ticket.pk:
        raise Http404
    error = workflow.refusal("remove_file", ticket, request.user)
    status = 403 if error else 200
    if request.method == "POST" and not error:
        try:
            workflow.remove_file(ticket, actor=request.user, attachment=file)
        except workflow.StaleTicket as stale:
            error, status = stale.message, 409
        except workflow.WorkflowError as refused:
            error, status = refused.message, 400
        else:
            messages.success(request, _("Le fichier « %(name)s » a été supprimé.") % {"name": file.name})
            return redirect("ticket", number=ticket.pk)
    context = {"ticket": ticket, "file": file, "error": error, "may_remove": status != 403}
    return render(request, "tickets/remove_file.html", context, status=status)
