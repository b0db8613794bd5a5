"""The STATISTIQUES pages: who may read them, which services each reader sees, the CSV of each table,
bad filters, and the query count at two data sizes."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import bulk_tickets
from tests.statistics_support import build, make_world, table_rows
from tickets.statistics.tables import TABLES, TABS

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(make_user, make_service, make_category):
    world = make_world(make_user, make_service, make_category)
    world["base"] = timezone.localdate() - timedelta(days=40)
    world["tickets"] = build(world["base"], world["people"], world["categories"])
    call_command("rebuild_statistics", verbosity=0)
    return world


def url(tab="activite", **filters):
    query = {"vue": tab, "periode": "12m", **filters}
    return reverse("statistics") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def csv_url(table, **filters):
    query = {"periode": "12m", **filters}
    return reverse("statistics_csv", args=[table]) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def read_csv(response):
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_a_user_gets_not_found(client, data):
    client.force_login(data["people"]["owner"])
    assert client.get(reverse("statistics")).status_code == 404
    assert client.get(csv_url("activite")).status_code == 404


@pytest.mark.parametrize("tab", list(TABS))
def test_every_tab_opens_for_a_manager_and_an_admin(client, data, admin_user, tab):
    for person in (data["people"]["m1"], admin_user):
        client.force_login(person)
        response = client.get(url(tab))
        assert response.status_code == 200
        assert b"<svg" in response.content and b"<caption>" in response.content


def test_the_menu_shows_statistiques_to_managers(client, data):
    client.force_login(data["people"]["m1"])
    assert reverse("statistics").encode() in client.get(reverse("home")).content


def test_a_manager_sees_only_their_services(client, data, admin_user):
    client.force_login(data["people"]["m3"])  # Paie only
    _headers, rows = table_rows(client.get(url("delais")).content.decode(), "delais-service")
    assert [row[0] for row in rows] == ["Paie"]
    client.force_login(admin_user)
    _headers, rows = table_rows(client.get(url("delais")).content.decode(), "delais-service")
    assert sorted(row[0] for row in rows) == ["Paie", "Scolarité"]


def test_another_service_by_id_is_refused(client, data):
    client.force_login(data["people"]["m3"])
    scolarite = data["services"]["A"]
    response = client.get(url("delais", service=scolarite.pk))
    assert response.status_code == 200
    assert "Certains filtres sont incorrects" in response.content.decode()
    _headers, rows = table_rows(response.content.decode(), "delais-service")
    assert [row[0] for row in rows] == ["Paie"]
    rows = read_csv(client.get(csv_url("delais-service", service=scolarite.pk)))
    assert [row[0] for row in rows[1:]] == ["Paie"]
    # Nor another service's category or manager.
    response = client.get(url("delais", categorie=data["categories"]["A1"].pk, gestionnaire=data["people"]["m1"].pk))
    assert response.context["form"].errors.keys() == {"categorie", "gestionnaire"}
    _headers, rows = table_rows(response.content.decode(), "delais-service")
    assert [row[0] for row in rows] == ["Paie"]


@pytest.mark.parametrize("table", list(TABLES))
def test_each_csv_has_the_rows_of_its_table(client, data, admin_user, table):
    client.force_login(admin_user)
    headers, rows = table_rows(client.get(url(TABLES[table])).content.decode(), table)
    response = client.get(csv_url(table))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = read_csv(response)
    unguarded = [[cell[1:] if cell.startswith("'=") else cell for cell in line] for line in lines]
    assert unguarded[0] == headers
    shown = [row for row in rows if len(row) == len(headers)]  # not the "no data" row
    assert unguarded[1:] == shown


def test_csv_keeps_accents_uses_semicolons_and_guards_formulas(client, data, admin_user):
    client.force_login(admin_user)
    body = client.get(csv_url("categories")).content
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "Catégorie;Tickets"
    assert "'=Paie et bulletins;" in text
    assert "\n=Paie" not in text


def test_a_subject_like_a_formula_is_guarded():
    from tickets.statistics.export import table_csv
    from tickets.statistics.tables import Table

    text = table_csv(Table("sujets", "", ["Sujet", "Tickets"], [["=1+1", 2], ["+a", 1], ["-b", 1], ["@c", 1]]))
    assert text.splitlines()[1:] == ["'=1+1;2", "'+a;1", "'-b;1", "'@c;1"]


BAD = [
    {"periode": "libre", "du": "2026-05-10", "au": "2026-05-01"},
    {"periode": "libre", "du": "2026-02-31", "au": "pas une date"},
    {"periode": "libre"},
    {"periode": "inconnue", "pas": "siecle"},
    {"periode": "libre", "du": "2026-01-01\x00", "au": "2026-01-02"},
    {"service": "999999", "categorie": "abc", "gestionnaire": "-1", "origine": "\x00"},
    {"service": "1\x00", "vue": "\x00"},
    {"periode": "libre", "du": "0001-01-01", "au": "9999-12-31", "pas": "jour"},
]


@pytest.mark.parametrize("params", BAD)
def test_bad_filters_are_said_and_replaced(client, data, params):
    client.force_login(data["people"]["m1"])
    response = client.get(reverse("statistics"), params)
    assert response.status_code == 200
    response = client.get(reverse("statistics_csv", args=["activite"]), params)
    assert response.status_code == 200


def test_reversed_dates_give_the_default_period_and_a_message(client, data):
    client.force_login(data["people"]["m1"])
    response = client.get(reverse("statistics"), BAD[0])
    text = response.content.decode()
    assert "La fin de la période précède son début." in text
    assert response.context["period"].last == timezone.localdate()
    assert response.context["period"].first == timezone.localdate() - timedelta(days=29)


def test_free_dates_are_used(client, data):
    client.force_login(data["people"]["m1"])
    base = data["base"]
    response = client.get(reverse("statistics"), {"periode": "libre", "du": base.isoformat(), "au": base.isoformat()})
    period = response.context["period"]
    assert (period.first, period.last, period.granularity) == (base, base, "jour")


def test_an_unknown_table_is_not_found(client, data):
    client.force_login(data["people"]["m1"])
    assert client.get(reverse("statistics_csv", args=["nope"])).status_code == 404


def count_queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_query_counts_with_a_few_and_with_many_tickets(client, data, admin_user):
    addresses = [url(tab) for tab in TABS] + [csv_url(table) for table in TABLES]
    readers = [data["people"]["m1"], admin_user]

    def measure():
        counts = {}
        for reader in readers:
            client.force_login(reader)
            for address in addresses:
                counts[(reader.username, address)] = count_queries(client, address)
        return counts

    few = measure()
    people = data["people"]
    bulk_tickets(600, owners=[people["owner"]], categories=list(data["categories"].values()), seed=3)
    call_command("rebuild_statistics", verbosity=0)
    assert measure() == few
