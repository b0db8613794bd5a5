import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:tickets_service_changelist",
        "admin:tickets_service_add",
        "admin:tickets_membership_changelist",
        "admin:tickets_category_changelist",
        "admin:tickets_category_add",
        "admin:tickets_incomingmail_changelist",
        "admin:accounts_user_changelist",
    ],
)
def test_admin_pages_open(client, admin_user, guide, url_name):
    client.force_login(admin_user)
    assert client.get(reverse(url_name)).status_code == 200


def test_service_change_page_shows_its_managers(client, admin_user, guide):
    from tickets.models import Service

    client.force_login(admin_user)
    service = Service.objects.get(label="DN – Applications de scolarité")
    response = client.get(reverse("admin:tickets_service_change", args=[service.pk]))
    assert response.status_code == 200
    assert "gest-scol2" in response.text


def test_admin_is_closed_to_managers(client, manager):
    client.force_login(manager)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_the_administration_login_takes_no_password(client, admin_user):
    """Its own form counted no failure: 30 wrong passwords, then the right one, used to log in."""
    url = reverse("admin:login")
    for attempt in range(30):
        client.post(url, {"username": "admin", "password": f"wrong-{attempt}"})
    response = client.post(url, {"username": "admin", "password": "demo"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_administration_login_is_the_portals(client, admin_user, make_user):
    response = client.get(reverse("admin:login") + "?next=/administration/tickets/service/")
    assert response["Location"] == reverse("account_login") + "?next=/administration/tickets/service/"
    response = client.get(reverse("admin:login") + "?next=https://elsewhere.example/")
    assert response["Location"] == reverse("account_login") + "?next=/administration/"
    client.force_login(admin_user)
    assert client.get(reverse("admin:login"))["Location"] == reverse("admin:index")
    client.force_login(make_user("voisin"))
    assert client.get(reverse("admin:login")).status_code == 403
