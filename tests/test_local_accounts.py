"""Local accounts beside the ENT: sign-up cannot take an ENT login, and an ENT account gets no local password."""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from accounts.cas.client import CASIdentity
from accounts.cas.services import sync_user
from accounts.selectors import find_person

User = get_user_model()
PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture(autouse=True)
def _no_rate_limit_left_over():
    # allauth counts sign-ups and reset requests in the cache: a test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ent_account(db):
    """Benjamin Seclier as his first ENT login leaves him: no password of his own, a CAS account."""
    return sync_user(
        CASIdentity(
            "seclier5",
            {"mail": "benjamin.seclier@univ-lorraine.fr", "displayName": "Benjamin Seclier", "sn": "Seclier"},
        )
    )


def sign_up(client, email, **extra):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(reverse("account_signup"), data)


# Sign-up.


def test_the_sign_up_page_asks_for_an_address_and_no_login(client, db):
    page = client.get(reverse("account_signup")).text

    assert 'name="email"' in page
    assert 'name="username"' not in page


def test_a_local_account_gets_its_address_as_login_whatever_login_is_posted(client, db):
    response = sign_up(client, "Quelqu.Un@Example.org", username="seclier5")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert list(User.objects.values_list("username", "email")) == [("quelqu.un@example.org", "quelqu.un@example.org")]


def test_an_ent_login_copied_at_sign_up_is_nobody_to_find_person(client, db):
    sign_up(client, "quelqu.un@example.org", username="seclier5")

    assert find_person("seclier5") is None


def test_after_a_copied_sign_up_find_person_picks_the_ent_account(client, db):
    sign_up(client, "quelqu.un@example.org", username="seclier5")
    ent = sync_user(CASIdentity("seclier5", {"mail": "benjamin.seclier@univ-lorraine.fr"}))

    assert find_person("seclier5") == ent
    assert find_person("SECLIER5") == ent


def test_an_address_copied_at_sign_up_and_never_confirmed_finds_its_true_owner(client, db):
    sign_up(client, "benjamin.seclier@univ-lorraine.fr")
    ent = sync_user(CASIdentity("seclier5", {"mail": "benjamin.seclier@univ-lorraine.fr"}))

    assert find_person("benjamin.seclier@univ-lorraine.fr") == ent
    assert find_person("Benjamin.Seclier@univ-lorraine.fr") == ent


def test_an_address_copied_at_sign_up_finds_nobody_before_its_owner_comes(client, db):
    sign_up(client, "benjamin.seclier@univ-lorraine.fr")

    assert find_person("benjamin.seclier@univ-lorraine.fr") is None


def test_a_confirmed_local_account_is_found_by_its_address(client, db):
    sign_up(client, "quelqu.un@example.org")
    EmailAddress.objects.filter(email="quelqu.un@example.org").update(verified=True)

    assert find_person("Quelqu.Un@example.org").username == "quelqu.un@example.org"


def test_an_address_that_cannot_be_a_login_is_refused_and_kept(client, db):
    response = sign_up(client, "o'brien@example.org")

    assert response.status_code == 200
    assert "ne peut pas servir d'identifiant" in response.text.replace("&#x27;", "'")
    assert 'value="o&#x27;brien@example.org"' in response.text
    assert not User.objects.exists()


def test_an_address_that_is_already_a_login_is_refused(client, make_user):
    make_user("quelqu.un@example.org", email="autre@example.org")

    response = sign_up(client, "Quelqu.Un@example.org")

    assert response.status_code == 200
    assert "déjà l'identifiant d'un compte" in response.text.replace("&#x27;", "'")
    assert User.objects.count() == 1


def test_a_local_account_logs_in_with_its_address(client, db):
    sign_up(client, "quelqu.un@example.org")
    EmailAddress.objects.filter(email="quelqu.un@example.org").update(verified=True)
    client.logout()

    response = client.post(reverse("account_login"), {"login": "Quelqu.Un@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert "Bonjour" in client.get(reverse("home")).text


# No local password for an ENT account.


def reset_link_in(message):
    return "/comptes/password/reset/key/" in message.body


def test_forgotten_password_of_an_ent_account_sends_no_key_but_the_way_in(client, ent_account, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "benjamin.seclier@univ-lorraine.fr"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    (message,) = mailoutbox
    assert message.to == ["benjamin.seclier@univ-lorraine.fr"]
    assert not reset_link_in(message)
    assert "ENT" in message.subject
    assert "Connexion Université de Lorraine" in message.body
    ent_account.refresh_from_db()
    assert not ent_account.has_usable_password()


def test_forgotten_password_of_a_local_account_still_sends_its_key(client, user, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": user.email})

    assert response["Location"] == reverse("account_reset_password_done")
    (message,) = mailoutbox
    assert reset_link_in(message)


def test_an_old_reset_key_sets_no_password_on_an_ent_account(client, ent_account):
    key = f"{user_pk_to_url_str(ent_account)}-{default_token_generator.make_token(ent_account)}"
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"}).replace("UID-KEY", key)
    form_url = client.get(url)["Location"]

    response = client.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 200
    assert "se connecte par l'ENT" in response.text.replace("&#x27;", "'")
    ent_account.refresh_from_db()
    assert not ent_account.has_usable_password()


@pytest.mark.parametrize("page", ["account_set_password", "account_change_password"])
def test_the_password_pages_refuse_an_ent_account(client, ent_account, page):
    client.force_login(ent_account)

    shown = client.get(reverse(page))
    posted = client.post(reverse(page), {"password1": PASSWORD, "password2": PASSWORD})

    for response in (shown, posted):
        assert response.status_code == 403
        assert "se connecte par l'ENT" in response.text.replace("&#x27;", "'")
        assert 'name="password1"' not in response.text
    ent_account.refresh_from_db()
    assert not ent_account.has_usable_password()


def test_a_local_account_still_changes_its_password(client, user):
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"), {"oldpassword": "demo", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
