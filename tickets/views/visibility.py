"""Visibilité des services: the rules of the services one may administer, their summaries, and "Tester en
tant que…" (what a person would see at step 1 of the deposit)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.administration import visibility_rules as rules
from tickets.administration.visibility_preview import preview_for
from tickets.administration.visibility_summary import KNOWN_ATTRIBUTES, category_summary, rule_phrase, service_summary
from tickets.forms.visibility import DefaultForm, MoveForm, RuleForm, TestAsForm
from tickets.models import VisibilityRule
from tickets.views.pages import manager_required


def tested_as(request):
    """The "Tester en tant que…" form and, once a person is given, what they would see."""
    if "personne" not in request.GET:
        return {"test_form": TestAsForm()}
    form = TestAsForm(request.GET)
    if not form.is_valid():
        return {"test_form": form}
    person = form.cleaned_data["personne"]
    shown, hidden = preview_for(person)
    return {"test_form": form, "tested": person, "shown": shown, "hidden": hidden}


def grouped(rules_list, categories):
    """``[(category or None, rules, summary)]``: the service's own rules, then each category's that has
    some, in tree order."""
    by_category = {}
    for rule in rules_list:
        by_category.setdefault(rule.category_id, []).append(rule)
    groups = []
    for category in [None, *categories]:
        found = by_category.get(category.pk if category else None, [])
        if category is not None and not found:
            continue
        groups.append((category, found, category_summary(category, found) if category else None))
    return groups


@manager_required
def service_visibility(request):
    """The services whose visibility the reader sets, each with a summary of its rules."""
    services = list(rules.administered_services(request.user))
    found = {}
    for rule in (
        VisibilityRule.objects.filter(service__in=services)
        .select_related("category")
        .order_by("category__path", "position", "pk")
    ):
        found.setdefault(rule.service_id, []).append(rule)
    summaries = []
    for service in services:
        own = [rule for rule in found.get(service.pk, []) if rule.category_id is None]
        categories = {}
        for rule in found.get(service.pk, []):
            if rule.category_id is not None:
                categories.setdefault(rule.category_id, (rule.category, []))[1].append(rule)
        category_lines = [(category, category_summary(category, listed)) for category, listed in categories.values()]
        summaries.append((service, service_summary(service, own), category_lines))
    context = {"summaries": summaries, **(tested_as(request) if services else {})}
    return render(request, "tickets/administration/visibility.html", context)


def rules_page(request, service, form=None, default_form=None, editing=None, status=200):
    categories = list(rules.categories_of(service))
    rules_list = rules.rules_of(service)
    for rule in rules_list:
        rule.phrase = rule_phrase(rule)
    if form is None:
        form = RuleForm(service=service, categories=rules.categories_of(service), instance=editing)
    context = {
        "service": service,
        "groups": grouped(rules_list, categories),
        "summary": service_summary(service, [rule for rule in rules_list if rule.category_id is None]),
        "form": form,
        "editing": editing,
        "default_form": default_form or DefaultForm(initial={"visible": "1" if service.visible_by_default else "0"}),
        "known_attributes": KNOWN_ATTRIBUTES,
        **tested_as(request),
    }
    return render(request, "tickets/administration/visibility_rules.html", context, status=status)


def posted_category_is_the_services(request, service):
    """Another service's category id, posted by hand, is "not found" like a missing one."""
    category = request.POST.get("category", "")
    if category and not rules.categories_of(service).filter(pk=category if category.isdigit() else 0).exists():
        raise Http404


@login_required
def service_visibility_rules(request, service_id):
    """GET: the service's rules and the form of a new one (of one to edit with ``?modifier=<id>``).
    POST: adds the rule."""
    service = rules.administered_service(request.user, service_id)
    editing = None
    if request.GET.get("modifier", "").isdigit():
        editing = rules.rule_of(service, request.GET["modifier"])
    if request.method != "POST":
        return rules_page(request, service, editing=editing)
    posted_category_is_the_services(request, service)
    form = RuleForm(request.POST, service=service, categories=rules.categories_of(service))
    if not form.is_valid():
        return rules_page(request, service, form=form, status=400)
    rules.add_rule(actor=request.user, service=service, **form.rule_fields())
    messages.success(request, _("La règle a été ajoutée."))
    return redirect("service_visibility_rules", service_id=service.pk)


@login_required
@require_POST
def edit_rule(request, service_id, rule_id):
    service = rules.administered_service(request.user, service_id)
    rule = rules.rule_of(service, rule_id)
    posted_category_is_the_services(request, service)
    form = RuleForm(request.POST, service=service, categories=rules.categories_of(service), instance=rule)
    if not form.is_valid():
        return rules_page(request, service, form=form, editing=rules.rule_of(service, rule_id), status=400)
    rules.update_rule(actor=request.user, rule=rules.rule_of(service, rule_id), **form.rule_fields())
    messages.success(request, _("La règle a été modifiée."))
    return redirect("service_visibility_rules", service_id=service.pk)


@login_required
@require_POST
def move_rule(request, service_id, rule_id):
    service = rules.administered_service(request.user, service_id)
    rule = rules.rule_of(service, rule_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        rules.move_rule(actor=request.user, rule=rule, up=form.cleaned_data["direction"] == "up")
        messages.success(request, _("La règle a été déplacée."))
    return redirect(reverse("service_visibility_rules", args=[service.pk]) + f"#rule-{rule.pk}")


@login_required
@require_POST
def delete_rule(request, service_id, rule_id):
    service = rules.administered_service(request.user, service_id)
    rules.delete_rule(actor=request.user, rule=rules.rule_of(service, rule_id))
    messages.success(request, _("La règle a été supprimée."))
    return redirect("service_visibility_rules", service_id=service.pk)


@login_required
@require_POST
def set_default(request, service_id):
    service = rules.administered_service(request.user, service_id)
    form = DefaultForm(request.POST)
    if not form.is_valid():
        return rules_page(request, service, default_form=form, status=400)
    rules.set_visible_by_default(actor=request.user, service=service, visible=form.cleaned_data["visible"])
    messages.success(request, _("Le réglage a été enregistré."))
    return redirect("service_visibility_rules", service_id=service.pk)


urlpatterns = [
    path("visibilite/", service_visibility, name="service_visibility"),
    path("visibilite/<int:service_id>/", service_visibility_rules, name="service_visibility_rules"),
    path("visibilite/<int:service_id>/defaut/", set_default, name="service_visibility_default"),
    path("visibilite/<int:service_id>/regles/<int:rule_id>/", edit_rule, name="service_visibility_rule"),
    path("visibilite/<int:service_id>/regles/<int:rule_id>/deplacer/", move_rule, name="service_visibility_move"),
    path("visibilite/<int:service_id>/regles/<int:rule_id>/supprimer/", delete_rule, name="service_visibility_delete"),
]
