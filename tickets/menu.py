"""The portal's main menu, shown by role, as in the guide.

An entry appears only once its page exists: entries name a URL, and a URL that is not
routed yet keeps its entry out of the menu, so no entry ever leads to a dead page.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from tickets.permissions import is_manager

EVERYONE, USERS, MANAGERS, ADMINS = "everyone", "users", "managers", "admins"


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    audience: str


MENU = [
    Entry(_("Accueil"), "home", EVERYONE),
    Entry(_("Questions fréquentes"), "faq", EVERYONE),
    Entry(_("Tableau de bord"), "dashboard", USERS),
    Entry(_("Recherche"), "search", USERS),
    Entry(_("Signets/Historique"), "bookmarks", USERS),
    Entry(_("Préférences"), "preferences", USERS),
    Entry(_("Aide"), "help", EVERYONE),
    Entry(_("Journal"), "journal", MANAGERS),
    Entry(_("Réponses enregistrées"), "saved_responses", MANAGERS),
    Entry(_("Utilitaires"), "utilities", MANAGERS),
    Entry(_("Administration"), "admin:index", ADMINS),
    Entry(_("Services"), "services", MANAGERS),
    Entry(_("Visibilité des services"), "service_visibility", MANAGERS),
    Entry(_("Statistiques"), "statistics", MANAGERS),
]


def audiences_of(user):
    audiences = {EVERYONE}
    if user.is_authenticated:
        audiences.add(USERS)
        if is_manager(user):
            audiences.add(MANAGERS)
        if user.is_superuser:
            audiences.add(ADMINS)
    return audiences


def entries_for(user):
    """The menu entries the user sees, with their URLs, in the guide's order."""
    audiences = audiences_of(user)
    return [
        {"label": entry.label, "url": url, "url_name": entry.url_name}
        for entry, url in _routed_entries()
        if entry.audience in audiences
    ]


# ``(entry, url)`` of the routed entries, by URL resolver (a new one after the URLs changed) and script
# prefix: every page draws the menu, and its dozen URL lookups cost as much as a row of a list each time.
_routed = {}


def _routed_entries():
    key = (get_resolver(get_urlconf()), get_script_prefix())
    if key not in _routed:
        routed = []
        for entry in MENU:
            try:
                routed.append((entry, reverse(entry.url_name)))
            except NoReverseMatch:
                continue
        _routed[key] = routed
    return _routed[key]


def menu(request):
    """Context processor: ``menu_entries`` for the header, computed only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "menu_entries": SimpleLazyObject(lambda: entries_for(user)),
    }
