"""A service's administration pages: its properties and its managers (the Services page leads to them)."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from tickets.administration import managers as managing
from tickets.administration.properties import administered_service, update_service_properties
from tickets.forms.services import AddManagerForm, ManagersForm, RemoveManagerForm, ServicePropertiesForm
from tickets.models import Membership
from tickets.permissions import has_service_privilege
from tickets.workflow import WorkflowError


@login_required
def service_properties(request, service_id):
    """Propriétés du service: GET shows them, POST saves them all or none."""
    service = administered_service(request.user, service_id, "manage_service")
    # The form validates a copy: the page's heading keeps the saved label while a wrong one is corrected.
    form = ServicePropertiesForm(request.POST or None, instance=copy.copy(service))
    if request.method == "POST" and form.is_valid():
        changed = update_service_properties(service, actor=request.user, values=form.cleaned_data)
        if changed:
            messages.success(request, _("Les propriétés du service ont été enregistrées."))
        else:
            messages.info(request, _("Rien n'a changé."))
        return redirect("service_properties", service.pk)
    status = 400 if form.errors else 200
    template = "tickets/administration/service_properties.html"
    return render(request, template, {"service": service, "form": form}, status=status)


def _managers_page(request, service, *, table=None, add=None, error=None, status=200):
    memberships = managing.service_memberships(service)
    context = {
        "service": service,
        "table": table or ManagersForm(memberships),
        "add": add or AddManagerForm(service),
        "error": error,
    }
    return render(request, "tickets/administration/service_managers.html", context, status=status)


@login_required
def service_managers(request, service_id):
    """Gestionnaires du service: GET lists them with their privileges; POST saves the table, all or nothing."""
    service = administered_service(request.user, service_id, "manage_managers")
    if request.method != "POST":
        return _managers_page(request, service)
    table = ManagersForm(managing.service_memberships(service), request.POST)
    ids = table.posted_ids()
    known = {membership.pk for membership in table.memberships}
    if ids is None or not ids <= known:
        raise Http404
    if not table.is_valid():
        return _managers_page(request, service, table=table, status=400)
    try:
        changed = managing.update_managers(service, actor=request.user, settings=table.settings_of(ids))
    except managing.ManagersError as refused:
        return _managers_page(request, service, table=table, error=refused.message, status=400)
    messages.success(request, _("Les gestionnaires ont été enregistrés.") if changed else _("Rien n'a changé."))
    return _back_to_managers(request, service)


@login_required
def add_service_manager(request, service_id):
    """Ajouter un gestionnaire (POST only), by login, address or name."""
    service = administered_service(request.user, service_id, "manage_managers")
    if request.method != "POST":
        return redirect("service_managers", service.pk)
    add = AddManagerForm(service, request.POST)
    if not add.is_valid():
        return _managers_page(request, service, add=add, status=400)
    try:
        membership = managing.add_manager(service, actor=request.user, user=add.cleaned_data["person"])
    except managing.ManagersError as refused:
        return _managers_page(request, service, add=add, error=refused.message, status=400)
    messages.success(request, _("%(name)s est maintenant gestionnaire du service.") % {"name": membership.user})
    return redirect("service_managers", service.pk)


@login_required
def remove_service_manager(request, service_id, membership_id):
    """Retirer un gestionnaire: GET asks where their open tickets go, POST removes them."""
    service = administered_service(request.user, service_id, "manage_managers")
    memberships = Membership.objects.select_related("user", "service")
    membership = get_object_or_404(memberships, pk=membership_id, service=service)
    form = RemoveManagerForm(managing.successors_for(membership), request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["successor"]
        try:
            removal = managing.remove_manager(membership, actor=request.user, successor=chosen.user if chosen else None)
        except (managing.ManagersError, WorkflowError) as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("%(name)s n'est plus gestionnaire du service ; tickets confiés à nouveau : %(count)s.")
                % {"name": removal.membership.user, "count": removal.handed_over},
            )
            return _back_to_managers(request, service)
    context = {
        "service": service,
        "membership": membership,
        "form": form,
        "error": error,
        "open_count": managing.open_tickets_of(membership).count(),
    }
    status = 400 if error or form.errors else 200
    return render(request, "tickets/administration/remove_manager.html", context, status=status)


def _back_to_managers(request, service):
    """The managers page, or the Services page for who just gave up managing them."""
    if has_service_privilege(request.user, service.pk, "manage_managers"):
        return redirect("service_managers", service.pk)
    return redirect("services")


urlpatterns = [
    path("services/<int:service_id>/proprietes/", service_properties, name="service_properties"),
    path("services/<int:service_id>/gestionnaires/", service_managers, name="service_managers"),
    path("services/<int:service_id>/gestionnaires/ajouter/", add_service_manager, name="service_manager_add"),
    path(
        "services/<int:service_id>/gestionnaires/<int:membership_id>/retirer/",
        remove_service_manager,
        name="service_manager_remove",
    ),
]
