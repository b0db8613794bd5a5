"""What the filters of the statistics offer a reader: their services (every service for an admin), those
services' categories and managers, in three queries."""

from django.contrib.auth import get_user_model

from tickets.models import Category, Service
from tickets.permissions import memberships_of


def service_ids(user):
    """The ids of the services whose figures ``user`` reads; None for an admin (all of them)."""
    return None if user.is_superuser else sorted(memberships_of(user))


def statistics_choices(user):
    ids = service_ids(user)
    services = Service.objects.order_by("label")
    categories = Category.objects.select_related("service").order_by("service__label", "path")
    managers = get_user_model().objects.filter(memberships__isnull=False)
    if ids is not None:
        services, categories = services.filter(pk__in=ids), categories.filter(service_id__in=ids)
        managers = managers.filter(memberships__service_id__in=ids)
    managers = managers.distinct().order_by("last_name", "first_name", "username")
    return {"services": list(services), "categories": list(categories), "managers": list(managers)}


def descendants(category, categories):
    """The ids of ``category`` and of its sub-categories among ``categories`` (a tree's path prefix)."""
    return tuple(c.pk for c in categories if c.path.startswith(category.path))
