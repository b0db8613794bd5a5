"""The health page of the load balancer."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy_in_one_query_without_login(client, settings, django_assert_num_queries):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/12"
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_a_broker_down_makes_it_unavailable_and_says_no_more(client, settings):
    settings.CELERY_BROKER_URL = "redis://:secret-password@127.0.0.1:1/0"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "secret" not in response.text and "6379" not in response.text and "127.0.0.1" not in response.text


def test_a_database_down_makes_it_unavailable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_only_get(client):
    assert client.post(reverse("health")).status_code == 405
