"""ENT login through CAS, against the real demo CAS server over HTTP (tests/cas_support.py)."""

import importlib
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import clear_url_caches, reverse

from accounts.cas import pending
from accounts.models import CASSession
from tests.cas_support import CASBrowser, cas_accounts, cas_server, free_port, path_of  # noqa: F401

PORTAL_HOST = "127.0.0.1"  # a service the demo CAS server accepts, as testserver is not
User = get_user_model()


@pytest.fixture
def cas(settings, cas_server):  # noqa: F811
    settings.CAS_SERVER_URL = cas_server.url
    return cas_server


@pytest.fixture
def portal(db):
    return Client(HTTP_HOST=PORTAL_HOST)


def log_in_through_cas(portal, username="seclier5", *, next_url=None, browser=None):
    """The whole way: the portal's login, the CAS form, back to the portal's callback with a ticket."""
    response = portal.get(reverse("cas_login"), {"next": next_url} if next_url else {})
    assert response.status_code == 302
    back = (browser or CASBrowser()).log_in(response["Location"], username)
    return back, portal.get(path_of(back))


def start_login(portal):
    """Starts the ENT login in this browser, as its link does; returns the state that CAS sends back."""
    to_cas = portal.get(reverse("cas_login"))["Location"]
    service = parse_qs(urlsplit(to_cas).query)["service"][0]
    return parse_qs(urlsplit(service).query)["state"][0]


def greeting(portal):
    return portal.get(reverse("home")).content.decode()


def test_home_page_offers_the_ent_login(client, db, cas):
    page = client.get(reverse("home")).content.decode()

    assert "Connexion Université de Lorraine" in page
    assert reverse("cas_login") in page


def test_login_sends_to_cas_with_the_callback_as_service(portal, cas):
    response = portal.get(reverse("cas_login"), {"next": "/aide/"})

    state = portal.session[pending.SESSION_KEY][-1]
    assert response["Location"] == (
        f"{cas.url}login?service=http%3A%2F%2F127.0.0.1%2Fcomptes%2Fcas%2Fcallback%2F%3Fnext%3D%252Faide%252F"
        f"%26state%3D{state}"
    )


def test_first_login_creates_the_user_from_the_attributes(portal, cas):
    _, response = log_in_through_cas(portal)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="seclier5")
    assert str(user) == "Benjamin Seclier (seclier5)"
    assert (user.first_name, user.last_name, user.display_name) == ("Benjamin", "Seclier", "Benjamin Seclier")
    assert (user.email, user.affiliation) == ("benjamin.seclier@univ-lorraine.fr", "staff")
    assert user.attributes["supannEtablissement"] == "{UAI}0542493S"
    assert "authenticationDate" not in user.attributes
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == "cas"
    assert "Bonjour, Benjamin Seclier" in greeting(portal)


def test_a_later_login_updates_what_changed(portal, cas, cas_accounts):  # noqa: F811
    log_in_through_cas(portal)
    cas_accounts.set_attribute("seclier5", "displayName", "Benjamin Seclier-Martin")
    cas_accounts.set_attribute("seclier5", "eduPersonAffiliation", ["faculty", "member"])

    log_in_through_cas(Client(HTTP_HOST=PORTAL_HOST))

    user = User.objects.get(username="seclier5")
    assert str(user) == "Benjamin Seclier-Martin (seclier5)"
    assert user.affiliation == "faculty"
    assert user.attributes["eduPersonAffiliation"] == ["faculty", "member"]
    assert SocialAccount.objects.get(user=user).extra_data["displayName"] == "Benjamin Seclier-Martin"


def test_an_existing_user_with_the_same_verified_address_is_the_same_person(portal, cas, make_user):
    existing = make_user("seclier5", first_name="Benjamin", last_name="Seclier")
    EmailAddress.objects.filter(user=existing).update(email="benjamin.seclier@univ-lorraine.fr")

    log_in_through_cas(portal)

    assert User.objects.get(username="seclier5").pk == existing.pk
    assert SocialAccount.objects.get(uid="seclier5").user == existing


def test_a_local_account_holding_the_login_is_not_taken_over(portal, cas, make_user):
    make_user("seclier5", first_name="Quelqu'un", last_name="Dautre")

    _, response = log_in_through_cas(portal)

    assert response.status_code == 409
    assert "Connexion impossible" in response.text
    assert "seclier5" in response.text
    assert "Bonjour" not in greeting(portal)


def test_a_local_sign_up_that_copied_the_login_does_not_stop_the_first_ent_login(portal, cas):
    password = "Un-mot-de-passe-solide-42"
    squatter = {"email": "quelqu.un@example.org", "username": "seclier5", "password1": password, "password2": password}
    Client().post(reverse("account_signup"), squatter)

    _, response = log_in_through_cas(portal)

    assert response["Location"] == reverse("home")
    assert "Bonjour, Benjamin Seclier" in greeting(portal)
    assert User.objects.get(username="seclier5").email == "benjamin.seclier@univ-lorraine.fr"


def test_a_person_already_logged_in_to_the_ent_is_not_asked_again(portal, cas):
    browser = CASBrowser()
    log_in_through_cas(portal, browser=browser)
    elsewhere = Client(HTTP_HOST=PORTAL_HOST)

    to_cas = elsewhere.get(reverse("cas_login"))
    back = browser.session.get(to_cas["Location"], allow_redirects=False, timeout=10)

    assert back.status_code == 302  # no login form: straight back with a ticket
    assert elsewhere.get(path_of(back.headers["Location"]))["Location"] == reverse("home")
    assert "Bonjour, Benjamin Seclier" in greeting(elsewhere)


def test_a_ticket_that_does_not_validate_shows_the_error_page(portal, cas):
    response = portal.get(
        reverse("cas_callback"), {"ticket": "ST-not-a-ticket-of-this-server", "state": start_login(portal)}
    )

    assert response.status_code == 403
    assert "Connexion impossible" in response.text
    assert "invalide, a expiré ou a déjà été utilisé" in response.text
    assert "Bonjour" not in greeting(portal)


def test_a_replayed_ticket_shows_the_error_page(portal, cas):
    back, _ = log_in_through_cas(portal)
    someone_else = Client(HTTP_HOST=PORTAL_HOST)

    response = someone_else.get(path_of(back))

    assert response.status_code == 403
    assert "pas été commencée depuis ce navigateur" in response.text
    assert "Bonjour" not in greeting(someone_else)


def callback_from_another_browser(cas, started_by):
    """Where CAS sends back, with a valid ticket for the attacker's own ENT account, a login they did not finish."""
    if started_by == "the attacker's portal login":
        login_url = Client(HTTP_HOST=PORTAL_HOST).get(reverse("cas_login"))["Location"]
    else:
        callback = f"http://{PORTAL_HOST}{reverse('cas_callback')}"
        login_url = f"{cas.url}login?" + urlencode({"service": callback})
    return path_of(CASBrowser().log_in(login_url, "gest-scol"))


@pytest.mark.parametrize("victim_started_a_login", [False, True])
@pytest.mark.parametrize("started_by", ["the attacker's portal login", "a service URL made by hand"])
def test_a_callback_this_browser_did_not_start_logs_nobody_in(portal, cas, started_by, victim_started_a_login):
    """Login CSRF: an attacker's ticket, opened in someone else's browser, must not log that browser in."""
    attackers_callback = callback_from_another_browser(cas, started_by)
    if victim_started_a_login:
        portal.get(reverse("cas_login"))

    response = portal.get(attackers_callback)

    assert response.status_code == 403
    assert "Connexion impossible" in response.text
    assert "pas été commencée depuis ce navigateur" in response.text
    assert f'href="{reverse("cas_login")}"' in response.text
    assert "Bonjour" not in greeting(portal)
    assert not User.objects.filter(username="gest-scol").exists()


def test_a_state_serves_once(portal, cas):
    """A new, valid ticket for an already used service URL (the person is still logged in to CAS) is refused."""
    to_cas = portal.get(reverse("cas_login"))["Location"]
    browser = CASBrowser()
    portal.get(path_of(browser.log_in(to_cas, "seclier5")))
    fresh_ticket = browser.log_in(to_cas, "seclier5")

    response = portal.get(path_of(fresh_ticket))

    assert response.status_code == 403
    assert "déjà abouti" in response.text
    assert CASSession.objects.count() == 1


def test_logins_started_in_two_tabs_both_complete(portal, cas):
    first_tab = portal.get(reverse("cas_login"), {"next": reverse("help")})["Location"]
    second_tab = portal.get(reverse("cas_login"))["Location"]
    browser = CASBrowser()

    assert portal.get(path_of(browser.log_in(first_tab, "seclier5")))["Location"] == reverse("help")
    assert portal.get(path_of(browser.log_in(second_tab, "seclier5")))["Location"] == reverse("home")
    assert "Bonjour, Benjamin Seclier" in greeting(portal)


def test_only_the_latest_pending_logins_are_kept(portal, cas):
    tabs = [portal.get(reverse("cas_login"))["Location"] for _ in range(pending.MAX_PENDING + 1)]
    browser = CASBrowser()

    assert portal.get(path_of(browser.log_in(tabs[0], "seclier5"))).status_code == 403
    assert portal.get(path_of(browser.log_in(tabs[1], "seclier5"))).status_code == 302
    assert len(portal.session[pending.SESSION_KEY]) == pending.MAX_PENDING - 1


@pytest.mark.parametrize("state", ["", "é" * 500, "\x00", "pas-un-état"])
def test_a_state_typed_by_hand_is_refused_with_a_clear_page(portal, cas, state):
    start_login(portal)

    response = portal.get(reverse("cas_callback"), {"ticket": "ST-123", "state": state, "next": "/aide/"})

    assert response.status_code == 403
    assert "pas été commencée depuis ce navigateur" in response.text
    assert f'href="{reverse("cas_login")}?next=%2Faide%2F"' in response.text


def test_the_refusal_is_in_the_persons_language(portal, cas):
    portal.cookies["assistance_language"] = "en"

    response = portal.get(reverse("cas_callback"), {"ticket": "ST-123", "state": "forged"})

    assert response.status_code == 403
    assert "was not started from this browser" in response.text


def test_a_callback_without_ticket_shows_the_error_page(portal, cas):
    response = portal.get(reverse("cas_callback"))

    assert response.status_code == 400
    assert "aucun ticket" in response.text


def test_a_stopped_cas_server_shows_a_clear_page(portal, settings):
    settings.CAS_SERVER_URL = f"http://127.0.0.1:{free_port()}/"

    response = portal.get(reverse("cas_callback"), {"ticket": "ST-123", "state": start_login(portal)})

    assert response.status_code == 503
    assert "ne répond pas" in response.text


def test_an_answer_that_is_not_cas_shows_a_clear_page(portal, settings, cas):
    settings.CAS_SERVER_URL = f"{cas.url}pas-un-serveur-cas/"

    response = portal.get(reverse("cas_callback"), {"ticket": "ST-123", "state": start_login(portal)})

    assert response.status_code == 502
    assert "Connexion impossible" in response.text


def test_next_is_kept_through_cas(portal, cas):
    _, response = log_in_through_cas(portal, next_url=reverse("help"))

    assert response["Location"] == reverse("help")


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/", "http://127.0.0.2/"])
def test_next_to_another_site_is_ignored(portal, cas, elsewhere):
    response = portal.get(reverse("cas_login"), {"next": elsewhere})
    assert "evil" not in response["Location"] and "127.0.0.2" not in response["Location"]

    # The same with a service URL made by hand: the ticket validates, `next` is still not followed.
    state = start_login(portal)
    callback = f"http://{PORTAL_HOST}{reverse('cas_callback')}?" + urlencode({"next": elsewhere, "state": state})
    login_url = f"{cas.url}login?" + urlencode({"service": callback})
    back = CASBrowser().log_in(login_url, "seclier5")
    response = portal.get(path_of(back))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "Bonjour, Benjamin Seclier" in greeting(portal)


def test_cas_protocol_2(portal, cas, settings):
    settings.CAS_VERSION = 2

    _, response = log_in_through_cas(portal, "gest-scol")

    assert response["Location"] == reverse("home")
    assert User.objects.get(username="gest-scol").display_name == "Sophie Lambert"


def test_logout_also_logs_out_of_cas(portal, cas):
    log_in_through_cas(portal)

    response = portal.post(reverse("account_logout"))

    assert response["Location"] == f"{cas.url}logout?service=http%3A%2F%2F127.0.0.1%2F"
    assert "Bonjour" not in greeting(portal)
    assert not CASSession.objects.exists()


def test_logout_of_a_local_account_stays_on_the_portal(portal, cas, user):
    portal.force_login(user)

    response = portal.post(reverse("account_logout"))

    assert response["Location"] == reverse("home")


@pytest.mark.django_db(transaction=True)
def test_single_logout_ends_the_matching_session_and_no_other(live_server, cas):
    """Two browsers logged in as the same person; CAS logs one out and tells the portal."""
    first, second = requests.Session(), requests.Session()
    for browser in (first, second):
        login = browser.get(f"{live_server.url}{reverse('cas_login')}", allow_redirects=False, timeout=10)
        back = CASBrowser(browser).log_in(login.headers["Location"], "seclier5")
        browser.get(back, timeout=30)
        assert "Bonjour, Benjamin Seclier" in browser.get(live_server.url, timeout=10).text
    assert CASSession.objects.count() == 2

    first.get(f"{cas.url}logout", timeout=30)  # the CAS server posts its logoutRequest to the portal

    assert "Bonjour" not in first.get(live_server.url, timeout=10).text
    assert "Bonjour, Benjamin Seclier" in second.get(live_server.url, timeout=10).text
    assert CASSession.objects.count() == 1


def test_single_logout_accepts_only_a_logout_request(cas, user):
    browser = Client(HTTP_HOST=PORTAL_HOST, enforce_csrf_checks=True)
    browser.force_login(user)
    callback = reverse("cas_callback")

    assert browser.post(callback, {}).status_code == 400
    assert browser.post(callback, {"logoutRequest": "<not-xml"}).status_code == 400
    assert browser.post(callback, {"logoutRequest": "<samlp:Other xmlns:samlp='x'/>"}).status_code == 400
    assert browser.put(callback).status_code == 405
    unknown = (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="1" Version="2.0">'
        "<samlp:SessionIndex>ST-unknown</samlp:SessionIndex></samlp:LogoutRequest>"
    )
    assert browser.post(callback, {"logoutRequest": unknown}).status_code == 200
    assert "Bonjour" in greeting(browser)


# Local accounts, beside the ENT login.


def test_local_login_page_offers_the_ent_login(client, db, cas):
    page = client.get(reverse("account_login")).content.decode()

    assert "Connexion Université de Lorraine" in page
    assert 'name="password"' in page


def test_local_login_ignores_next_to_another_site(client, user):
    response = client.post(
        reverse("account_login"), {"login": "seclier5", "password": "demo", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_local_login_follows_next_on_the_site(client, user):
    response = client.post(reverse("account_login"), {"login": "seclier5", "password": "demo", "next": "/aide/"})

    assert response["Location"] == "/aide/"


def test_failed_local_logins_are_rate_limited(client, user):
    cache.clear()
    try:
        for _ in range(5):
            response = client.post(reverse("account_login"), {"login": "seclier5", "password": "wrong"})
            assert "mot de passe sont incorrects" in response.text
        # Even the right password is refused now, until the five minutes have passed.
        response = client.post(reverse("account_login"), {"login": "seclier5", "password": "demo"})
        assert "Trop de tentatives de connexion" in response.text
        assert "Bonjour" not in client.get(reverse("home")).text
    finally:
        cache.clear()


@pytest.fixture
def without_local_accounts(settings):
    """ASSISTANCE_LOCAL_ACCOUNTS=false, with the URLs built again as they are at start-up."""
    off = {
        "LOCAL_ACCOUNTS": False,
        "SOCIALACCOUNT_ONLY": True,
        "ACCOUNT_EMAIL_VERIFICATION": "none",
        "ACCOUNT_ALLOW_REGISTRATION": False,
    }
    before = {name: getattr(settings, name, False) for name in off}
    for name, value in off.items():
        setattr(settings, name, value)
    reload_urls()
    yield
    for name, value in before.items():
        setattr(settings, name, value)
    reload_urls()


def reload_urls():
    import allauth.account.urls
    import allauth.urls

    import helpdesk.urls

    for module in (allauth.account.urls, allauth.urls, helpdesk.urls):
        importlib.reload(module)
    clear_url_caches()


def test_without_local_accounts_the_ent_is_the_only_way_in(client, cas, user, without_local_accounts):
    login = client.get(reverse("account_login"), {"next": "/aide/"})
    assert login.status_code == 302
    assert login["Location"].startswith(f"{cas.url}login?service=")
    assert "next%3D%252Faide%252F" in login["Location"]

    assert client.post(reverse("account_login"), {"login": "seclier5", "password": "demo"}).status_code == 405
    assert client.get("/comptes/signup/").status_code == 404
    assert client.get("/comptes/password/reset/").status_code == 404
    assert "Connexion Université de Lorraine" in client.get(reverse("home")).content.decode()
    assert "Connexion avec un compte local" not in client.get(reverse("home")).content.decode()
