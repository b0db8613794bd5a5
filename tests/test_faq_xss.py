"""The payloads of tests/xss_payloads.py typed into every FAQ field (question, answer, file names) render
without script on the index, the entry page and the deposit's step 2, with the checker tests/test_richtext.py
uses."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.faq_support import add_file
from tests.xss_payloads import PAYLOADS, assert_no_script
from tickets.richtext import sanitize_html

PAYLOAD_IDS = [f"payload{number:02d}" for number in range(len(PAYLOADS))]


def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 30


def _check(page, answer, *stored):
    assert_no_script(page, allow_static_scripts=True, allow_local_forms=True)
    # What was typed shows up, escaped: the page did render it, and no layer let it through raw. The answer is
    # rich text: sanitised, its text may hold quotes, so it is set aside for this check.
    page = page.replace(sanitize_html(answer), "")
    for text in stored:
        assert escape(text) in page
        if any(character in text for character in "<>\"'"):
            assert text not in page


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_faq_fields_render_without_script(client, world, make_faq_entry, payload):
    # PostgreSQL refuses NUL in text; an empty question would leave nothing to look for.
    text = payload.replace("\x00", "").strip() or "x"
    question, file_name, answer = text[:300], text[:250] + ".txt", f"<p>Réponse :</p>{text}"
    section = make_faq_entry(world["service"], title=question, is_section=True, answer=answer)
    entry = make_faq_entry(parent=section, title=question, answer=answer)
    entry.categories.add(world["categories"]["home"])
    add_file(entry, name=file_name)
    image = add_file(entry, name=text[:250] + ".png", content_type="image/png")
    client.force_login(world["people"]["in_charge"])  # badges, vote counts and tools shown too

    pages = {
        "index": client.get(reverse("faq")),
        "entry": client.get(reverse("faq_entry", args=[entry.pk])),
        "section": client.get(reverse("faq_entry", args=[section.pk])),
        "step 2": client.get(reverse("deposit_form", args=[world["categories"]["home"].pk])),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        page = response.content.decode()
        stored = [question] if where in {"index", "section"} else [question, file_name, image.name]
        if where != "index":
            assert sanitize_html(answer) in page, where
        _check(page[page.index("<body") : page.index("</body>")], answer, *stored)
        # The question is the entry page's <title> too, where only an escaped "<" keeps "</title>" in it.
        head_title = page[page.index("<title>") + len("<title>") : page.index("</title>")]
        assert "<" not in head_title
        if where in {"entry", "section"}:
            assert escape(question) in head_title
