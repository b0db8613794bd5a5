import itertools

import pytest
from django.contrib.auth import get_user_model

from accounts.services import mark_email_verified
from tests.factories import GUIDE_PEOPLE, GUIDE_SERVICES, PRIVILEGES, guide_email
from tickets.models import Category, FaqEntry, Membership, Monitoring, Service

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploads and mail of a test go to its own temporary folders; passwords hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAIL_DIR = tmp_path / "mail"
    settings.MAIL_IN_FAILED_DIR = tmp_path / "mail-in-failed"


@pytest.fixture
def mail_in_process(settings):
    """Mail goes out in-process whatever broker the environment names, one mail per action; links point to a
    known site, dates are the portal's."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MAIL_QUEUE = ""
    settings.MAIL_GROUP_SECONDS = 0
    settings.SITE_URL = "http://assistance.test"
    settings.TIME_ZONE = "Europe/Paris"
    return settings


@pytest.fixture
def make_user(db):
    def make(username=None, *, first_name="Prénom", last_name="Nom", email=None, **fields):
        username = username or f"user{next(_numbers)}"
        user = get_user_model().objects.create_user(
            username=username,
            email=email or f"{username}@univ.example",
            password="demo",
            first_name=first_name,
            last_name=last_name,
            **fields,
        )
        mark_email_verified(user)
        return user

    return make


@pytest.fixture
def make_service(db):
    def make(label=None, *, managers=(), **fields):
        service = Service.objects.create(label=label or f"Service {next(_numbers)}", **fields)
        for manager in managers:
            Membership.objects.create(service=service, user=manager)
        return service

    return make


@pytest.fixture
def make_category(db):
    def make(service, *, parent=None, code="", label=None, **fields):
        values = {"service": service, "code": code, "label": label or f"Catégorie {next(_numbers)}", **fields}
        return Category.objects.add_child(parent, values) if parent else Category.objects.add_root(values)

    return make


@pytest.fixture
def make_faq_entry(db):
    """``make(service, title=…, parent=…, **fields)``: an entry of ``service``'s FAQ (None: the general one),
    under ``parent`` when given, last among its siblings."""

    def make(service=None, *, parent=None, title=None, **fields):
        values = {"service": parent.service if parent else service, "title": title or f"Question {next(_numbers)} ?"}
        values.update(fields)
        return FaqEntry.objects.add_child(parent, values) if parent else FaqEntry.objects.add_root(values)

    return make


@pytest.fixture
def user(make_user):
    return make_user("seclier5", first_name="Benjamin", last_name="Seclier")


@pytest.fixture
def manager(make_user, make_service):
    person = make_user("gest-scol", first_name="Sophie", last_name="Lambert")
    make_service("DN – Applications de scolarité", managers=[person])
    return person


@pytest.fixture
def scolarite(make_user, make_service, make_category):
    """The guide's scolarité category and a manager of its service: (manager, category)."""
    manager = make_user("gest-scol", first_name="Sophie", last_name="Lambert")
    service = make_service("DN – Applications de scolarité", managers=[manager])
    category = make_category(
        service,
        code="02_App_Gestion",
        label="Support technique pour les applications de scolarité (Apogée, SNW, ...)",
        short_label="Applications scolarité",
    )
    return manager, category


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", first_name="Alice", last_name="Administratrice", is_staff=True, is_superuser=True)


@pytest.fixture
def guide(make_user, make_service, make_category):
    """The guide's people and the part of its catalogue the tests read (tests/factories.py), with the
    logins, names and ENT addresses the demo gives them and the password "demo": Benjamin Seclier (seclier5)
    and Marie Dupont (mdupont) file tickets; Sophie Lambert (gest-scol) and Paul Girard (gest-scol2) manage
    "DN – Applications de scolarité"; Polytech Nancy and Pilotage have categories and nobody to manage them.
    Returns ``people`` by login, ``services`` by label and ``categories`` by code. It creates seclier5 and
    gest-scol: not for a test that asks for ``user``, ``manager`` or ``scolarite`` too."""
    people = {
        username: make_user(username, first_name=first, last_name=last, email=guide_email(first, last))
        for username, (first, last) in GUIDE_PEOPLE.items()
    }
    services, categories = {}, {}
    for label, managers, roots in GUIDE_SERVICES:
        service = services[label] = make_service(label, managers=[people[username] for username in managers])
        for code, category_label, short_label, children in roots:
            root = categories[code] = make_category(service, code=code, label=category_label, short_label=short_label)
            for child_code, child_label, child_short_label in children:
                categories[child_code] = make_category(
                    service, parent=root, code=child_code, label=child_label, short_label=child_short_label
                )
    return {"people": people, "services": services, "categories": categories}


# The managers of Scolarité in the world, in the order they join it; they watch none of its tickets unless
# WATCHING says otherwise.
SCOLARITE_MANAGERS = [
    "in_charge",
    "manager",
    "colleague",
    *(f"manager_without_{privilege}" for privilege in PRIVILEGES),
    "watcher_always",
    "watcher_free",
    "watcher_never",
    "inactive",
    "no_email",
]
WATCHING = {
    "watcher_always": Monitoring.ALWAYS,
    "watcher_free": Monitoring.FREE,
    "inactive": Monitoring.ALWAYS,
    "no_email": Monitoring.ALWAYS,
}


@pytest.fixture
def world(user, admin_user, make_user, make_service, make_category):
    """The people, services and categories the tests of roles walk a ticket through (it files no ticket:
    see tests/factories.py:ticket_in). Modules that need a variation adjust it in a fixture of their own.

    Scolarité: Sophie Lambert (gest-scol) is the manager "in_charge" of the tickets; "manager" (Marc Durand)
    and "colleague" (Julie Martin) hold every privilege; each "manager_without_<privilege>" lacks one
    (factories.PRIVILEGES). By mail, "watcher_always" hears of all its tickets, "watcher_free" of new and
    freed ones, and "watcher_never", like the managers above, of none; an "inactive" manager and one with
    "no_email" would hear of all. Paie: "other_manager" (gest-paie), who hears of new and freed tickets.
    Around a ticket: its "owner" Benjamin Seclier (seclier5, the ``user`` fixture), an "invitee" (invite1),
    a "follower", a "stranger" (curieux), a "newcomer" (nouveau), and "admin" (the ``admin_user`` fixture).
    Categories: "home" (02_App_Gestion) with its "child", its "sibling" in Scolarité, "elsewhere" in Paie.
    """
    people = {
        "owner": user,
        "in_charge": make_user("gest-scol", first_name="Sophie", last_name="Lambert"),
        "manager": make_user("gest-durand", first_name="Marc", last_name="Durand"),
        "colleague": make_user("gest-martin", first_name="Julie", last_name="Martin"),
        "invitee": make_user("invite1", first_name="Inès", last_name="Invitée"),
        "follower": make_user("suiveur", first_name="Sacha", last_name="Suiveur"),
        "stranger": make_user("curieux", first_name="Claude", last_name="Curieux"),
        "newcomer": make_user("nouveau", first_name="Noé", last_name="Nouveau"),
        "other_manager": make_user("gest-paie", first_name="Paul", last_name="Paie"),
        "admin": admin_user,
    }
    for role in SCOLARITE_MANAGERS:
        if role not in people:
            people[role] = make_user(role.replace("_", "-"))
    people["inactive"].is_active = False
    people["inactive"].save()
    people["no_email"].email = ""
    people["no_email"].save()
    service = make_service("Scolarité")
    for role in SCOLARITE_MANAGERS:
        lacking = {f"can_{role.removeprefix('manager_without_')}": False} if role.startswith("manager_without_") else {}
        monitoring = WATCHING.get(role, Monitoring.NEVER)
        Membership.objects.create(service=service, user=people[role], monitoring=monitoring, **lacking)
    other = make_service("Paie", managers=[people["other_manager"]])
    home = make_category(service, code="02_App_Gestion", short_label="Applications scolarité")
    categories = {
        "home": home,
        "child": make_category(service, parent=home, code="02_Apogee"),
        "sibling": make_category(service, code="02_ADE"),
        "elsewhere": make_category(other, code="03_Paie"),
    }
    return {"people": people, "service": service, "categories": categories}


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({database.get('NAME')})"
