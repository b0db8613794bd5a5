"""FAQ test support: entries of every scope for the ``world``'s people, each with a file, linked to the world's
"home" category, and who reads which of them.

Scolarité's FAQ holds an entry of each scope, a hidden one, a public entry under a managers-only section and
one under a hidden section; the general FAQ an entry of each scope. Every title carries its name in brackets
("Entrée [users] ?") so that a page's text says which entries it shows.
"""

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tickets.models import FaqFile, FaqScope

EVERYONE, USERS, MANAGERS = FaqScope.EVERYONE, FaqScope.USERS, FaqScope.MANAGERS

# name: (FAQ: "service" or "general", scope, hidden, section, parent's name)
ENTRIES = {
    "everyone": ("service", EVERYONE, False, False, None),
    "users": ("service", USERS, False, False, None),
    "managers": ("service", MANAGERS, False, False, None),
    "hidden": ("service", EVERYONE, True, False, None),
    "managers_section": ("service", MANAGERS, False, True, None),
    "under_managers": ("service", EVERYONE, False, False, "managers_section"),
    "hidden_section": ("service", EVERYONE, True, True, None),
    "under_hidden": ("service", EVERYONE, False, False, "hidden_section"),
    "general": ("general", EVERYONE, False, False, None),
    "general_users": ("general", USERS, False, False, None),
    "general_managers": ("general", MANAGERS, False, False, None),
}

READERS = ["visitor", "owner", "invitee", "other_manager", "in_charge", "admin"]
_VISITOR = {"everyone", "general"}
_USER = _VISITOR | {"users", "general_users"}
# What each reader reads; they are refused every other entry.
READS = {
    "visitor": _VISITOR,
    "owner": _USER,
    "invitee": _USER,
    "other_manager": _USER | {"general_managers"},
    "in_charge": set(ENTRIES),
    "admin": set(ENTRIES),
}
# What a visitor is asked to log in for (restricted, nothing hidden on the way); any other refusal is "not found".
LOGIN_FOR_VISITOR = {"users", "managers", "managers_section", "under_managers", "general_users", "general_managers"}


def title(name):
    return f"Entrée [{name}] ?"


def shown(page):
    """The names of the entries whose title the page shows."""
    return {name for name in ENTRIES if f"[{name}]" in page}


def random_token():
    return secrets.token_hex(16)


def add_file(entry, name="notice.txt", content=b"Mode d'emploi", content_type="text/plain", *, thumbnail=None):
    """A file of ``entry`` stored as ``tickets.faq.files`` would, with ``thumbnail`` bytes (PNG) if given."""
    token = random_token()
    file = FaqFile(entry=entry, token=token, name=name, content_type=content_type, size=len(content))
    file.file.save(token, ContentFile(content), save=False)
    if thumbnail is not None:
        file.thumbnail = default_storage.save(f"thumbnails/{token}-20x10.png", ContentFile(thumbnail))
    file.save()
    return file


def make_entries(world, make_faq_entry):
    """The entries of ENTRIES by name, each linked to the "home" category, each with a file named after it."""
    entries = {}
    home = world["categories"]["home"]
    for name, (faq, scope, hidden, section, parent) in ENTRIES.items():
        fields = {"title": title(name), "scope": scope, "hidden": hidden, "is_section": section}
        fields["answer"] = f"<p>Réponse de {name}</p>"
        if parent:
            entry = make_faq_entry(parent=entries[parent], **fields)
        else:
            entry = make_faq_entry(world["service"] if faq == "service" else None, **fields)
        entry.categories.add(home)
        add_file(entry, name=f"fichier-{name}.txt", content=f"contenu {name}".encode())
        entries[name] = entry
    return entries


def bulk_children(parent, count, *, service=None, title_prefix="Question", **fields):
    """``count`` entries added at once after the last child of ``parent`` (None: after the last root), as
    ``add_child`` would place them, with scopes in turn and every seventh hidden; returns them."""
    from django.db.models import F

    from tickets.models import FaqEntry

    if parent is None:
        last, depth, service = FaqEntry.objects.get_last_root_node(), 1, service
    else:
        parent.refresh_from_db()
        last, depth, service = FaqEntry.objects.get_last_child(parent), parent.depth + 1, parent.service
    start = last._get_lastpos_in_path() if last else 0
    scopes = [EVERYONE, USERS, MANAGERS]
    rows = [
        FaqEntry(
            path=FaqEntry._get_path(parent.path if parent else None, depth, start + number + 1),
            depth=depth,
            numchild=0,
            service=service,
            title=f"{title_prefix} {start + number + 1} ?",
            answer="<p>Une réponse <b>en gras</b>.</p>",
            scope=scopes[number % 3],
            hidden=number % 7 == 6,
            **fields,
        )
        for number in range(count)
    ]
    FaqEntry.objects.bulk_create(rows)
    if parent is not None:
        FaqEntry.objects.filter(pk=parent.pk).update(numchild=F("numchild") + count)
    return rows
