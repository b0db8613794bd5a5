import itertools

import pytest
from django.contrib.auth import get_user_model

from accounts.services import mark_email_verified
from tickets.demo.data import load_demo_data
from tickets.models import Category, Membership, Service

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploads and mail of a test go to its own temporary folders; passwords hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAIL_DIR = tmp_path / "mail"


@pytest.fixture
def make_user(db):
    def make(username=None, *, first_name="Prénom", last_name="Nom", **fields):
        username = username or f"user{next(_numbers)}"
        user = get_user_model().objects.create_user(
            username=username,
            email=f"{username}@univ.example",
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
def demo_data(db):
    load_demo_data()


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({database.get('NAME')})"
