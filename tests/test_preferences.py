"""The Préférences page: language, mail, and for managers their own settings for each service."""

import re

import pytest
from django.urls import reverse

from tickets.models import MailPreferences, Membership, Monitoring

pytestmark = pytest.mark.django_db

URL = reverse("preferences")


def form_data(memberships=(), *, language="fr", mail_on_own_tickets=True, **overrides):
    """What the page's form posts: the language, the mail option, each service's fields; unchecked boxes are
    left out, as a browser does."""
    data = {"language": language}
    if mail_on_own_tickets:
        data["mail-mail_on_own_tickets"] = "on"
    for membership in memberships:
        prefix = f"service-{membership.service_id}"
        data[f"{prefix}-monitoring"] = membership.monitoring
        if membership.daily_summary:
            data[f"{prefix}-daily_summary"] = "on"
        if membership.available:
            data[f"{prefix}-available"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def manager_of(make_user, make_service):
    """A manager of ``count`` services (labels "Service 1"…), with a colleague in each."""

    def make(count):
        person = make_user("gest", first_name="Sophie", last_name="Lambert")
        colleague = make_user("collegue")
        for number in range(1, count + 1):
            make_service(f"Service {number:02}", managers=[person, colleague])
        return person

    return make


def own_memberships(user):
    return list(Membership.objects.filter(user=user).order_by("service__label"))


def test_a_user_sees_the_mail_option_and_no_service(client, user):
    client.force_login(user)
    page = client.get(URL).text
    assert "Recevoir un courriel pour chaque action sur mes tickets" in page
    assert 'name="mail-mail_on_own_tickets"' in page and "checked" in page
    assert "Services dont vous êtes gestionnaire" not in page
    assert "Résumé quotidien" not in page


def test_a_user_turns_mail_off_then_on_again(client, user):
    client.force_login(user)
    response = client.post(URL, form_data(mail_on_own_tickets=False), follow=True)
    assert "Vos préférences ont été enregistrées." in response.text
    assert MailPreferences.of(user).mail_on_own_tickets is False
    assert 'name="mail-mail_on_own_tickets"' in response.text
    assert not re.search(r'name="mail-mail_on_own_tickets"[^>]*checked', response.text)
    client.post(URL, form_data(mail_on_own_tickets=True))
    assert MailPreferences.objects.get(user=user).mail_on_own_tickets is True


def test_saving_the_defaults_writes_no_mail_preferences(client, user):
    client.force_login(user)
    client.post(URL, form_data())
    assert not MailPreferences.objects.filter(user=user).exists()


def test_a_manager_sees_one_section_per_service(client, manager_of):
    manager = manager_of(2)
    client.force_login(manager)
    page = client.get(URL).text
    assert page.count("<legend>Service 0") == 2
    assert page.index("<legend>Service 01") < page.index("<legend>Service 02")
    for label in [
        "Jamais",
        "À la création et quand le ticket redevient libre",
        "Toujours",
        "Résumé quotidien",
        "Disponible",
        "Recevoir un courriel pour chaque action sur mes tickets",
    ]:
        assert label in page.replace("&#x27;", "'")
    # Each radio group is a fieldset named by its legend, each box has its own label.
    first = own_memberships(manager)[0]
    prefix = f"service-{first.service_id}"
    assert "<legend>Courriel sur les tickets du service" in page
    assert f'<label for="id_{prefix}-daily_summary">Résumé quotidien</label>' in page
    assert f'<label for="id_{prefix}-available">Disponible</label>' in page


def test_a_manager_saves_monitoring_summary_and_availability_per_service(client, manager_of):
    manager = manager_of(2)
    first, second = own_memberships(manager)
    client.force_login(manager)
    first.monitoring, first.daily_summary, first.available = Monitoring.ALWAYS, True, False
    second.monitoring = Monitoring.NEVER
    response = client.post(URL, form_data([first, second], language="en"), follow=True)
    assert "Your preferences have been saved." in response.text
    first_saved, second_saved = own_memberships(manager)
    saved = [(m.monitoring, m.daily_summary, m.available) for m in (first_saved, second_saved)]
    assert saved == [(Monitoring.ALWAYS, True, False), (Monitoring.NEVER, False, True)]
    manager.refresh_from_db()
    assert manager.language == "en"


def test_saving_keeps_the_privileges_an_administrator_set(client, manager_of):
    manager = manager_of(1)
    (membership,) = own_memberships(manager)
    client.force_login(manager)
    page = client.get(URL)
    assert page.status_code == 200
    # An administrator changes a privilege while the page is open.
    Membership.objects.filter(pk=membership.pk).update(can_reject=False, can_manage_service=True)
    membership.daily_summary = True
    client.post(URL, form_data([membership]))
    membership.refresh_from_db()
    assert (membership.daily_summary, membership.can_reject, membership.can_manage_service) == (True, False, True)


def test_a_bad_value_shows_its_error_and_saves_nothing(client, manager_of):
    manager = manager_of(2)
    first, second = own_memberships(manager)
    client.force_login(manager)
    second.daily_summary = True
    data = form_data([first, second], mail_on_own_tickets=False, language="en")
    data[f"service-{first.service_id}-monitoring"] = "sometimes"
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Vos préférences n'ont pas été enregistrées" in response.text
    errors = re.search(r'<fieldset class="field choices has-error"[^>]*>.*?</fieldset>', response.text, re.S)
    assert errors and f"id_service-{first.service_id}-monitoring" in errors.group(0)
    assert "Sélectionnez un choix valide" in errors.group(0)
    assert f'aria-describedby="id_service-{first.service_id}-monitoring_error"' in response.text
    assert [(m.monitoring, m.daily_summary) for m in own_memberships(manager)] == [(Monitoring.FREE, False)] * 2
    assert not MailPreferences.objects.filter(user=manager).exists()
    manager.refresh_from_db()
    assert manager.language == "fr"


def test_a_manager_cannot_change_another_membership_by_tampering(client, manager_of, make_user, make_service):
    manager = manager_of(1)
    (own,) = own_memberships(manager)
    colleague_membership = Membership.objects.get(service_id=own.service_id, user__username="collegue")
    elsewhere = make_service("Ailleurs", managers=[make_user("autre")])
    foreign = Membership.objects.get(service=elsewhere)
    client.force_login(manager)
    data = form_data([own])
    data.update(
        {
            f"service-{elsewhere.pk}-monitoring": Monitoring.ALWAYS,
            f"service-{elsewhere.pk}-daily_summary": "on",
            f"service-{elsewhere.pk}-available": "",
            f"service-{own.service_id}-user": str(foreign.user_id),
            f"service-{own.service_id}-id": str(colleague_membership.pk),
            f"service-{own.service_id}-can_manage_service": "on",
            "service-TOTAL_FORMS": "5",
        }
    )
    data[f"service-{own.service_id}-monitoring"] = Monitoring.ALWAYS
    response = client.post(URL, data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.monitoring, own.user_id, own.can_manage_service) == (Monitoring.ALWAYS, manager.pk, False)
    for other in (colleague_membership, foreign):
        before = (other.monitoring, other.daily_summary, other.available, other.user_id)
        other.refresh_from_db()
        assert (other.monitoring, other.daily_summary, other.available, other.user_id) == before
    assert Membership.objects.count() == 3


def test_a_disabled_service_is_not_offered(client, manager_of):
    manager = manager_of(2)
    first, _second = own_memberships(manager)
    first.service.enabled = False
    first.service.save()
    client.force_login(manager)
    page = client.get(URL).text
    assert "<legend>Service 01" not in page and "<legend>Service 02" in page


def test_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("services", [1, 8])
def test_query_counts_do_not_grow_with_the_services(client, django_assert_num_queries, manager_of, services):
    manager = manager_of(services)
    client.force_login(manager)
    client.get(reverse("home"))  # warms the session
    # session, user, mail preferences, memberships with their services, the menu's memberships
    with django_assert_num_queries(5):
        assert client.get(URL).status_code == 200
    memberships = own_memberships(manager)
    for membership in memberships:
        membership.monitoring, membership.daily_summary = Monitoring.ALWAYS, True
    # the same four reads, then in one transaction: the language, the mail preferences, every membership
    with django_assert_num_queries(9):
        response = client.post(URL, form_data(memberships, language="en", mail_on_own_tickets=False))
    assert response.status_code == 302
    assert {(m.monitoring, m.daily_summary) for m in own_memberships(manager)} == {(Monitoring.ALWAYS, True)}
