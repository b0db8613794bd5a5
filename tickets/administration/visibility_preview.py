"""What a given person sees at step 1 of the deposit, service by service, and why: "Tester en tant que…"."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tickets.administration.visibility import visibility_for
from tickets.administration.visibility_summary import decision_reason
from tickets.categories.tree import category_tree
from tickets.models import Service
from tickets.permissions import memberships_of, visible_service_ids


@dataclass
class ServicePreview:
    service: Service
    visible: bool
    reason: str
    roots: list = field(default_factory=list)


def preview_for(person):
    """``(shown, hidden)``: the services whose categories ``person`` finds at step 1 with their trees, and
    those they do not see, each with what decided (a rule, the service's default, being a manager)."""
    roots = {}
    for node in category_tree(person):
        roots.setdefault(node.category.service_id, []).append(node)
    visible = visible_service_ids(person)
    visibility, memberships = visibility_for(person), memberships_of(person)
    shown, hidden = [], []
    for service in Service.objects.filter(enabled=True).order_by("label"):
        if person.is_superuser:
            reason = _("administrateur : voit tous les services")
        elif service.pk in memberships:
            reason = _("gestionnaire du service : le voit toujours")
        else:
            reason = decision_reason(visibility.service(service.pk))
        preview = ServicePreview(service, service.pk in visible, str(reason), roots.get(service.pk, []))
        (shown if preview.roots else hidden).append(preview)
    return shown, hidden
