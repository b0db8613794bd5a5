"""Template filter of the FAQ's managing links: ``{% if request.user|manages_faq:service %}``."""

from django import template

from tickets.faq.access import can_manage_faq

register = template.Library()


@register.filter
def manages_faq(user, service):
    """Whether ``user`` manages the FAQ of ``service`` (None: the general FAQ)."""
    return can_manage_faq(user, getattr(service, "pk", None))
