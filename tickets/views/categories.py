"""A service's categories, for its managers who hold "gérer les catégories": the tree, adding, editing,
moving, hiding, disabling and deleting. Every view checks the privilege and the service of each object."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tickets.administration import categories as admin
from tickets.forms.categories import CategoryForm, MoveForm


def _back_to_tree(service, category=None):
    url = reverse("service_categories", args=[service.pk])
    return redirect(f"{url}#category-{category.pk}" if category else url)


@login_required
def service_categories(request, service_id):
    """The service's whole tree, each category with its badges, managers, FAQ count and actions."""
    service = admin.service_for(request.user, service_id)
    return render(
        request, "tickets/administration/categories.html", {"service": service, "tree": admin.service_tree(service)}
    )


def _form_page(request, service, form, *, category=None, parent=None, status=200):
    context = {"service": service, "form": form, "category": category, "parent": parent}
    return render(request, "tickets/administration/category_form.html", context, status=status)


@login_required
def add_category(request, service_id):
    """A new category of the service: a root, or the last child of ``parent``."""
    service = admin.service_for(request.user, service_id)
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    parent = admin.category_of(service, parent_id) if parent_id else None
    if request.method != "POST":
        return _form_page(request, service, CategoryForm(service=service), parent=parent)
    form = CategoryForm(request.POST, service=service)
    if not form.is_valid():
        if form.posted_foreign_object():
            raise Http404
        return _form_page(request, service, form, parent=parent, status=400)
    category = admin.add_category(
        actor=request.user,
        service=service,
        parent=parent,
        values=form.category_values(),
        managers=form.cleaned_data["managers"],
        faq_entries=form.cleaned_data["faq_entries"],
    )
    messages.success(request, _("La catégorie « %(title)s » a été ajoutée.") % {"title": category.title})
    return _back_to_tree(service, category)


@login_required
def edit_category(request, service_id, category_id):
    """A category's properties, managers and FAQ entries."""
    service = admin.service_for(request.user, service_id)
    category = admin.category_of(service, category_id)
    if request.method != "POST":
        return _form_page(request, service, CategoryForm(instance=category, service=service), category=category)
    form = CategoryForm(request.POST, instance=category, service=service)
    if not form.is_valid():
        if form.posted_foreign_object():
            raise Http404
        return _form_page(request, service, form, category=admin.category_of(service, category_id), status=400)
    category = admin.update_category(
        admin.category_of(service, category_id),
        actor=request.user,
        values=form.category_values(),
        managers=form.cleaned_data["managers"],
        faq_entries=form.cleaned_data["faq_entries"],
    )
    messages.success(request, _("La catégorie « %(title)s » a été enregistrée.") % {"title": category.title})
    return _back_to_tree(service, category)


@login_required
def move_category(request, service_id, category_id):
    """GET: the "Déplacer" form. POST: ``direction`` (up, down) or ``where`` (before-, after-, into-<id>)."""
    service = admin.service_for(request.user, service_id)
    category = admin.category_of(service, category_id)
    context = {"service": service, "category": category}
    if request.method != "POST":
        context["form"] = MoveForm(category=category)
        return render(request, "tickets/administration/category_move.html", context)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        moves = {"direction": direction}
    else:
        form = MoveForm(request.POST, category=category)
        if not form.is_valid():
            context["form"] = form
            return render(request, "tickets/administration/category_move.html", context, status=400)
        position, target_id = form.cleaned_data["where"]
        moves = {"position": position, "target": admin.category_of(service, target_id)}
    try:
        category = admin.move_category(category, actor=request.user, **moves)
    except admin.CategoryChangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La catégorie « %(title)s » a été déplacée.") % {"title": category.title})
    return _back_to_tree(service, category)


FLAG_MESSAGES = {
    "hide": gettext_lazy(
        "La catégorie « %(title)s » est masquée : absente de la liste du dépôt, son lien direct reste valable."
    ),
    "show": gettext_lazy("La catégorie « %(title)s » est de nouveau affichée."),
    "disable": gettext_lazy(
        "La catégorie « %(title)s » est désactivée : elle ne reçoit plus de ticket et garde les siens."
    ),
    "enable": gettext_lazy("La catégorie « %(title)s » est de nouveau active."),
}


@login_required
@require_POST
def change_category_state(request, service_id, category_id):
    """Hide, show, disable or enable a category (``change``)."""
    service = admin.service_for(request.user, service_id)
    category = admin.category_of(service, category_id)
    change = request.POST.get("change")
    if change not in FLAG_MESSAGES:
        messages.error(request, _("Action inconnue."))
        return _back_to_tree(service, category)
    category = admin.set_category_flag(category, actor=request.user, change=change)
    messages.success(request, FLAG_MESSAGES[change] % {"title": category.title})
    return _back_to_tree(service, category)


@login_required
def delete_category(request, service_id, category_id):
    """GET: the confirmation, or why the category cannot be deleted. POST: deletes it."""
    service = admin.service_for(request.user, service_id)
    category = admin.category_of(service, category_id)
    if request.method != "POST":
        context = {"service": service, "category": category, "refusal": admin.deletion_refusal(category)}
        return render(request, "tickets/administration/category_delete.html", context)
    title = category.title
    try:
        admin.delete_category(category, actor=request.user)
    except admin.CategoryChangeError as error:
        messages.error(request, error.message)
        return _back_to_tree(service, category)
    messages.success(request, _("La catégorie « %(title)s » a été supprimée.") % {"title": title})
    return _back_to_tree(service)


urlpatterns = [
    path("services/<int:service_id>/categories/", service_categories, name="service_categories"),
    path("services/<int:service_id>/categories/ajouter/", add_category, name="category_add"),
    path("services/<int:service_id>/categories/<int:category_id>/", edit_category, name="category_edit"),
    path("services/<int:service_id>/categories/<int:category_id>/deplacer/", move_category, name="category_move"),
    path("services/<int:service_id>/categories/<int:category_id>/etat/", change_category_state, name="category_state"),
    path("services/<int:service_id>/categories/<int:category_id>/supprimer/", delete_category, name="category_delete"),
]
