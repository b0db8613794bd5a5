"""Files of FAQ entries: served to who reads their entry, with the safety headers of tickets' files; a visitor
is asked to log in for a restricted entry's file; odd tokens are "not found" before any query."""

import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from tests.faq_support import LOGIN_FOR_VISITOR, READERS, READS, add_file, make_entries, random_token


def png(width=20, height=10):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def faq(world, make_faq_entry):
    return make_entries(world, make_faq_entry)


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize("thumbnail", [False, True], ids=["file", "thumbnail"])
def test_a_file_is_served_to_who_reads_its_entry_only(client, world, faq, name, thumbnail):
    if name != "visitor":
        client.force_login(world["people"][name])
    for entry_name, entry in faq.items():
        file = entry.files.get()
        if thumbnail:
            file = add_file(entry, name="capture.png", content=png(), content_type="image/png", thumbnail=png(4, 2))
        url = reverse("faq_file_thumbnail" if thumbnail else "faq_file", args=[file.token])
        response = client.get(url)
        if entry_name in READS[name]:
            assert response.status_code == 200, entry_name
            expected = png(4, 2) if thumbnail else f"contenu {entry_name}".encode()
            assert b"".join(response.streaming_content) == expected
        elif name == "visitor" and entry_name in LOGIN_FOR_VISITOR:
            assert response.status_code == 302, entry_name
            assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"
        else:
            assert response.status_code == 404, entry_name


def test_files_carry_nosniff_and_the_sandboxing_policy(client, world, make_faq_entry):
    entry = make_faq_entry(world["service"])
    text = add_file(entry, name="notice.txt", content=b"<script>alert(1)</script>", content_type="text/plain")
    image = add_file(entry, name="écran.png", content=png(), content_type="image/png")
    odd = add_file(entry, name="page.html", content=b"<script>alert(1)</script>", content_type="text/html")
    for file, content_type, disposition in [
        (text, "text/plain", "attachment"),
        (image, "image/png", "inline"),
        (odd, "application/octet-stream", "attachment"),
    ]:
        response = client.get(reverse("faq_file", args=[file.token]))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith(disposition)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "private" in response["Cache-Control"]


def test_a_file_without_thumbnail_or_whose_file_is_gone_is_not_found(client, world, make_faq_entry):
    entry = make_faq_entry(world["service"])
    file = add_file(entry)
    assert client.get(reverse("faq_file_thumbnail", args=[file.token])).status_code == 404
    file.file.delete(save=False)
    assert client.get(reverse("faq_file", args=[file.token])).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "0" * 31,
        "0" * 33,
        "A" * 32,
        "g" * 32,
        "%00",
        "0" * 31 + "%00",
        "%2e%2e",
        "..%2f..%2fetc%2fpasswd",
        "0123456789abcdef0123456789abcdef%0a",
        "x" * 500,
    ],
)
@pytest.mark.parametrize("route", ["faq_file", "faq_file_thumbnail"])
def test_odd_tokens_are_not_found_before_any_query(client, db, token, route):
    url = reverse(route, args=["0" * 32]).replace("0" * 32, token)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 404
    assert not [query for query in queries if "faq" in query["sql"].lower()]


def test_an_unknown_token_is_not_found(client, db):
    assert client.get(reverse("faq_file", args=[random_token()])).status_code == 404


def test_the_entry_page_shows_images_as_figures_and_other_files_with_their_size(client, world, make_faq_entry):
    entry = make_faq_entry(world["service"], title="Capture ?")
    with_thumbnail = add_file(entry, name="grande.png", content=png(), content_type="image/png", thumbnail=png(4, 2))
    without = add_file(entry, name="petite.png", content=png(), content_type="image/png")
    document = add_file(entry, name="guide.pdf", content=b"%PDF-1.4 " + b"x" * 2000, content_type="application/pdf")
    page = client.get(reverse("faq_entry", args=[entry.pk])).content.decode()
    thumbnail_url = reverse("faq_file_thumbnail", args=[with_thumbnail.token])
    assert f'<img src="{thumbnail_url}" alt="grande.png"' in page
    assert f'<img src="{reverse("faq_file", args=[without.token])}" alt="petite.png"' in page
    assert page.count("<figure") == 2
    assert f'<a href="{reverse("faq_file", args=[document.token])}">guide.pdf</a> (2,0' in page
