"""The category tree as people see it: the categories open to deposits, the filtered tree of the
deposit's first step, and the rule that says whether a category takes tickets."""

import unicodedata
from dataclasses import dataclass, field

from tickets.models import Category
from tickets.permissions import sees_category


@dataclass
class Node:
    category: Category
    children: list = field(default_factory=list)


def folded(text):
    """Lower case without accents: "Apogée" matches "apogee"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def takes_tickets(category):
    """Whether a ticket may be filed in (or moved to) ``category``: it and its service are enabled and it
    accepts tickets. Its redirection, if any, is the caller's to follow first."""
    return category.enabled and category.accepts_tickets and category.service.enabled


def visible_categories():
    """Enabled categories of enabled services, in tree order (before the visibility rules: ``category_tree``
    and ``depositable_category`` apply them for a person)."""
    return Category.objects.filter(enabled=True, service__enabled=True).order_by("path")


def depositable_categories():
    """The categories that take tickets (``takes_tickets`` as a query), with their service."""
    return visible_categories().filter(accepts_tickets=True).select_related("service")


def without_hidden_branches(categories):
    """The categories (in tree order) that are neither hidden nor under a hidden one."""
    kept, hidden_branch = [], None
    for category in categories:
        # In tree order a branch is contiguous: only the last hidden category's path needs comparing.
        if hidden_branch is not None and category.path.startswith(hidden_branch):
            continue
        if category.hidden:
            hidden_branch = category.path
            continue
        kept.append(category)
    return kept


def category_tree(user, query=""):
    """The roots of the tree ``user`` sees (the visibility rules decide); with ``query``, only the categories
    matching it and their ancestors. A hidden category and its branch are left out (only its direct link leads
    to it); a category shown under one the rules hide becomes a root."""
    categories = [
        category for category in without_hidden_branches(visible_categories()) if sees_category(user, category)
    ]
    by_path = {category.path: category for category in categories}
    wanted = None
    if query:
        needle = folded(query)
        wanted = set()
        for category in categories:
            if needle in folded(f"{category.code} {category.label} {category.short_label}"):
                # The ancestors stay, so the match is shown where it belongs.
                for depth in range(1, category.depth + 1):
                    wanted.add(category.path[: depth * Category.steplen])
    nodes, roots = {}, []
    for category in categories:
        if wanted is not None and category.path not in wanted:
            continue
        node = nodes[category.path] = Node(category)
        parent = nodes.get(category.path[: -Category.steplen]) if category.depth > 1 else None
        if parent is not None:
            parent.children.append(node)
        elif category.depth == 1 or category.path[: -Category.steplen] not in by_path:
            roots.append(node)
    return roots


def depositable_category(category_id, user):
    """The category ``user`` may file a ticket in (it takes tickets and the rules show it to them), or None."""
    if not str(category_id).isdigit():
        return None
    category = depositable_categories().filter(pk=category_id).first()
    return category if category is not None and sees_category(user, category) else None
