"""STATISTIQUES in a browser: gest-scol opens it from the menu, changes the period, sees the charts,
downloads a table's CSV (whose rows are the table's) and goes through the tabs with the keyboard; each tab
checked by axe-core in French and in English."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tests.statistics_support import build, make_world
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def table_texts(page, name):
    table = page.locator(f'table[data-table="{name}"]')
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    rows = [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in table.locator("tbody tr").all()
    ]
    return headers, rows


def test_gest_scol_reads_the_statistics_and_downloads_a_csv(
    live_server, browser, make_user, make_service, make_category
):
    world = make_world(make_user, make_service, make_category)
    build(timezone.localdate() - timedelta(days=60), world["people"], world["categories"])
    call_command("rebuild_statistics", verbosity=0)  # the data set is written past the workflow
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, "gest-scol")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name=re.compile("Statistiques", re.IGNORECASE)
    ).click()
    expect(page.get_by_role("heading", name="Statistiques", level=1)).to_be_visible()
    assert_accessible(page)
    _headers, last_30_days = table_texts(page, "activite")

    page.get_by_role("combobox", name="Période").select_option(label="12 derniers mois")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("img", name="Tickets ouverts et clos")).to_be_visible()
    expect(page.get_by_role("img", name="Tickets en cours")).to_be_visible()
    headers, rows = table_texts(page, "activite")
    assert rows != last_30_days
    # Every ticket of Scolarité was filed in the last 12 months.
    assert sum(int(row[1]) for row in rows) == Ticket.objects.filter(service=world["services"]["A"]).count() == 8
    assert_accessible(page)

    with page.expect_download() as waiting:
        page.get_by_role("link", name=re.compile(r"^Télécharger \(CSV\)")).first.click()
    download = waiting.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == headers
    assert lines[1:] == rows

    # Tabs with the keyboard alone: focus the "Délais" tab's link and follow it with Enter.
    tabs = page.get_by_role("navigation", name="Parties des statistiques")
    tabs.get_by_role("link", name="Délais").focus()
    page.keyboard.press("Enter")
    expect(tabs.get_by_role("link", name="Délais")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("img", name=re.compile("Temps de résolution médian"))).to_be_visible()
    assert_accessible(page)
    for tab in ("Issues", "Problèmes récurrents", "Satisfaction"):
        tabs.get_by_role("link", name=tab).click()
        expect(tabs.get_by_role("link", name=tab)).to_have_attribute("aria-current", "page")
        assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Statistics", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Parts of the statistics").get_by_role("link", name="Activity").click()
    expect(page.get_by_role("img", name="Tickets opened and closed")).to_be_visible()
    assert_accessible(page)
    context.close()
