"""Pages that are not about one ticket: home, help, services, user look-up."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import render

from tickets.models import Category, Membership, Service
from tickets.permissions import is_manager, services_with_privilege

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
    """The services the manager belongs to (every service for an admin), their managers and categories."""
    queryset = Service.objects.all() if request.user.is_superuser else request.user.managed_services.all()
    queryset = queryset.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("user").order_by("user__last_name")),
        Prefetch("categories", queryset=Category.objects.order_by("path")),
    )
    # Admins manage every service's categories; a manager's memberships are already read (manager_required).
    managed = set() if request.user.is_superuser else services_with_privilege(request.user, "manage_categories")
    context = {"services": queryset, "category_services": managed}
    return render(request, "tickets/services.html", context)


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
