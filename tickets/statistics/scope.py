"""Which tickets the statistics count: those of the reader's services (every service for an admin), narrowed
by the filters. A ticket counts where it is now (its current service, category and manager); satisfaction
counts where the ticket was at approval (the copy kept on the rating)."""

from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Scope:
    service_ids: tuple | None  # None: every service (an admin without a service filter)
    category_ids: tuple | None = None  # a category and its sub-categories
    origin: str | None = None
    manager_id: int | None = None

    def tickets(self, prefix=""):
        """The filter of the tickets in scope, on a query of tickets (``prefix`` "ticket__" for their entries)."""
        q = Q()
        if self.service_ids is not None:
            q &= Q(**{f"{prefix}service_id__in": self.service_ids})
        if self.category_ids is not None:
            q &= Q(**{f"{prefix}category_id__in": self.category_ids})
        if self.origin:
            q &= Q(**{f"{prefix}origin": self.origin})
        if self.manager_id is not None:
            q &= Q(**{f"{prefix}manager_id": self.manager_id})
        return q

    def ratings(self):
        """The filter of the satisfaction rows in scope: service, category and manager as at approval."""
        q = Q()
        if self.service_ids is not None:
            q &= Q(service_id__in=self.service_ids)
        if self.category_ids is not None:
            q &= Q(category_id__in=self.category_ids)
        if self.origin:
            q &= Q(ticket__origin=self.origin)
        if self.manager_id is not None:
            q &= Q(manager_id=self.manager_id)
        return q
