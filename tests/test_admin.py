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
