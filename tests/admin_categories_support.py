"""What the tests of a service's categories share: who is who, and the URLs of the pages."""

from django.urls import reverse

from tickets.models import AdminChange, Membership, Status, Ticket


def build_team(make_user, make_service, make_category, admin_user):
    """Scolarité, run by gest-scol (who may manage its categories) with "colleague" (who may not); Paie, run by
    gest-paie. Scolarité's tree: home (02_App_Gestion) > child (02_Apogee), then sibling (02_ADE); Paie has
    elsewhere (03_Paie)."""
    people = {
        "manager": make_user("gest-scol", first_name="Sophie", last_name="Lambert"),
        "colleague": make_user("gest-martin", first_name="Julie", last_name="Martin"),
        "other_manager": make_user("gest-paie", first_name="Paul", last_name="Paie"),
        "user": make_user("seclier5", first_name="Benjamin", last_name="Seclier"),
        "admin": admin_user,
    }
    service = make_service("Scolarité", managers=[people["manager"]])
    Membership.objects.create(service=service, user=people["colleague"], can_manage_categories=False)
    other = make_service("Paie", managers=[people["other_manager"]])
    home = make_category(service, code="02_App_Gestion", label="Applications de scolarité")
    categories = {
        "home": home,
        "child": make_category(service, parent=home, code="02_Apogee", label="Apogée"),
        "sibling": make_category(service, code="02_ADE", label="ADE"),
        "elsewhere": make_category(other, code="03_Paie", label="Paie"),
    }
    return {"people": people, "service": service, "other": other, "categories": categories}


def tree_url(service):
    return reverse("service_categories", args=[service.pk])


def category_url(name, category, service=None):
    return reverse(name, args=[(service or category.service).pk, category.pk])


def form_data(**values):
    """What the edit form posts for a category with ``values``."""
    data = {
        "code": "",
        "label": "Nouvelle catégorie",
        "short_label": "",
        "help_text": "",
        "default_subject": "",
        "default_message": "",
        "default_priority": "2",
        "default_scope": "",
        "redirect_to": "",
        "accepts_tickets": "on",
    }
    data.update(values)
    return {name: value for name, value in data.items() if value is not None}


def changes(kind=None):
    rows = AdminChange.objects.order_by("pk")
    return list(rows.filter(kind=kind) if kind else rows)


def ticket_in_category(category, owner):
    return Ticket.objects.create(
        subject="Connexion apogee impossible",
        description="<p>Bonjour</p>",
        owner=owner,
        service=category.service,
        category=category,
        status=Status.FREE,
    )
