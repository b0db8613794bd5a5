"""Pages that are not about one ticket: home, help, services, user look-up."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import render

from tickets.models import Category, Membership, Service
from tickets.permissions import has_service_privilege, is_manager

LOOKUP_LIMIT = 50


def home(request):
    return render(request, "tickets/home.html")


def help_page(request):
    return render(request, "tickets/help.html")


def manager_required(view):
    """Lets managers and admins in; anyone else gets "not found", as for a page that does not exist."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_manager(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@manager_required
def services(request):
    """The services the manager belongs to (every service for an admin), their managers and categories, and
    links to the administration pages of each that the reader's privileges open."""
    queryset = Service.objects.all() if request.user.is_superuser else request.user.managed_services.all()
    queryset = queryset.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("user").order_by("user__last_name")),
        Prefetch("categories", queryset=Category.objects.order_by("path")),
    )
    services = list(queryset)
    for service in services:
        service.may = {
            name: has_service_privilege(request.user, service.pk, name)
            for name in ("manage_service", "manage_managers", "manage_categories")
        }
    return render(request, "tickets/services.html", {"services": services})


@manager_required
def utilities(request):
    """User look-up: find a person by login, name or mail, with the services they manage."""
    # NUL cannot be stored nor searched for in PostgreSQL; it is never part of a name.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    people = []
    if query:
        people = (
            get_user_model()
            .objects.filter(
                Q(username__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
                | Q(display_name__icontains=query)
                | Q(email__icontains=query)
            )
            .prefetch_related("managed_services")
            .order_by("last_name", "first_name", "username")[:LOOKUP_LIMIT]
        )
    return render(request, "tickets/utilities.html", {"query": query, "people": people, "limit": LOOKUP_LIMIT})
