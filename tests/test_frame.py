"""The page frame: header, menu by role, language switch, and no menu entry leading to an error page."""

import pytest
from django.urls import reverse

from tickets.menu import entries_for

pytestmark = pytest.mark.django_db


def menu_labels(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return [str(entry["label"]) for entry in response.context["menu_entries"]]


def test_visitor_sees_the_public_entries_only(client):
    assert menu_labels(client) == ["Accueil", "Questions fréquentes", "Aide"]


def test_user_sees_the_user_menu_and_greeting(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert "Bonjour, Benjamin Seclier" in response.text
    assert "UNIVERSITÉ DE LORRAINE" in response.text.upper()
    labels = menu_labels(client)
    assert "Préférences" in labels
    assert not {"Services", "Utilitaires", "Administration"} & set(labels)


def test_manager_sees_the_manager_menu(client, manager):
    client.force_login(manager)
    labels = menu_labels(client)
    assert {"Services", "Utilitaires"} <= set(labels)
    assert "Administration" not in labels


def test_admin_sees_administration(client, admin_user):
    client.force_login(admin_user)
    assert {"Services", "Utilitaires", "Administration"} <= set(menu_labels(client))


def test_menu_keeps_the_guide_order(client, admin_user):
    client.force_login(admin_user)
    guide_order = [
        "Accueil", "Questions fréquentes", "Tableau de bord", "Recherche", "Signets/Historique", "Préférences",
        "Aide", "Journal", "Réponses enregistrées", "Utilitaires", "Administration", "Services",
        "Visibilité des services", "Statistiques",
    ]  # fmt: skip
    labels = menu_labels(client)
    assert labels == [label for label in guide_order if label in labels]


@pytest.mark.parametrize("role", ["visitor", "user", "manager", "admin_user"])
def test_no_menu_entry_leads_to_an_error_page(client, request, role):
    if role != "visitor":
        person = request.getfixturevalue(role)
        client.force_login(person)
        entries = entries_for(person)
    else:
        from django.contrib.auth.models import AnonymousUser

        entries = entries_for(AnonymousUser())
    assert entries
    for entry in entries:
        response = client.get(entry["url"], follow=True)
        assert response.status_code == 200, entry["url"]


def test_manager_pages_answer_not_found_to_users(client, user):
    client.force_login(user)
    assert client.get(reverse("services")).status_code == 404
    assert client.get(reverse("utilities")).status_code == 404


def test_manager_pages_send_visitors_to_login(client):
    response = client.get(reverse("services"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_french_is_the_default_whatever_the_browser_asks(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="fr">' in response.text
    assert "Déposer" in response.text or "Connexion avec un compte local" in response.text


def test_language_switch_changes_the_language_and_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("help")})
    assert response.status_code == 302
    assert response["Location"] == reverse("help")
    page = client.get(reverse("help"))
    assert '<html lang="en">' in page.text
    assert "User guide" in page.text


def test_language_switch_never_redirects_off_the_site(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_language_switch_ignores_an_unknown_language(client):
    client.post(reverse("set_language"), {"language": "xx"})
    assert '<html lang="fr">' in client.get(reverse("home")).text


def test_language_switch_is_kept_in_the_user_preferences(client, user):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en"})
    user.refresh_from_db()
    assert user.language == "en"
    # Another browser, no cookie yet: the preference applies.
    client.cookies.clear()
    client.force_login(user)
    assert '<html lang="en">' in client.get(reverse("home")).text


def test_pages_use_no_inline_script_and_send_a_strict_policy(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.text
    assert "style=" not in response.text


def test_unknown_page_answers_the_portal_not_found_page(client):
    response = client.get("/nexiste/pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.text
