"""Limits on failed logins behind the reverse proxy: each person is counted by their own address, and the
count is shared by every worker (production keeps it in Redis)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.test_settings import production, run_manage

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches the portal from its address


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def fail_five_times(client, login, forwarded_for):
    for _ in range(5):
        response = client.post(
            reverse("account_login"),
            {"login": login, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
        assert "mot de passe sont incorrects" in response.text


def log_in(client, login, forwarded_for):
    return client.post(
        reverse("account_login"),
        {"login": login, "password": "demo"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_one_persons_failures_do_not_lock_out_the_others(client, settings, make_user):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_user("intrus")
    colleague = make_user("collegue")
    fail_five_times(client, "intrus", "203.0.113.7")
    response = log_in(client, "collegue", "198.51.100.20")
    assert response.status_code == 302, "Trop de tentatives" in response.text
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_the_address_the_proxy_adds_counts_not_one_the_client_made_up(client, settings, make_user):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_user("cible")
    for forged in range(5):
        # The client writes its own X-Forwarded-For; the proxy appends the address it saw.
        client.post(
            reverse("account_login"),
            {"login": f"inconnu{forged}", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 203.0.113.7",
        )
    response = log_in(client, "cible", "203.0.113.7")
    assert "Trop de tentatives de connexion" in response.text


@pytest.mark.parametrize("forwarded_for", ["", "not an address", ",,,"])
def test_an_odd_forwarded_header_is_never_an_error(client, settings, user, forwarded_for):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = log_in(client, "seclier5", forwarded_for)
    assert response.status_code in {200, 302}


def test_production_keeps_the_cache_in_redis_and_trusts_the_proxies_it_is_told(tmp_path):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], s.ALLAUTH_TRUSTED_PROXY_COUNT)",
        **production(tmp_path, ASSISTANCE_TRUSTED_PROXIES="1"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/15",
        "1",
    ]
