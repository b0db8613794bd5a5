import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import escape

from tests.xss_payloads import PAYLOADS, assert_no_script, find_script
from tickets.richtext import MAX_INPUT_LENGTH, html_to_text, plain_to_html, sanitize_html

PAYLOAD_IDS = [f"payload{number:02d}" for number in range(len(PAYLOADS))]
REL = 'rel="noopener noreferrer nofollow"'


# The checker --------------------------------------------------------------------------------------------------------


def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_the_checker_fails_on_most_raw_payloads():
    # A checker that passes everything would make every other test here worthless.
    failing = [payload for payload in PAYLOADS if find_script(payload)]
    assert len(failing) >= 30
    with pytest.raises(AssertionError, match="script"):
        assert_no_script("<p>Bonjour</p><script>alert(1)</script>")


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" JAVASCRIPT:alert(1)">x</a>',
        '<img src="data:image/svg+xml;base64,AAAA">',
        '<form action="javascript:alert(1)"></form>',
        '<button formaction="vbscript:x">x</button>',
        '<p onclick="x">x</p>',
        '<iframe srcdoc="x"></iframe>',
        "<math></math>",
        "<svg></svg>",
        "<base href=/>",
        "<meta charset=utf-8>",
        "<style>p{}</style>",
        "<object></object>",
        "<embed>",
    ],
)
def test_the_checker_catches_each_kind_of_danger(markup):
    with pytest.raises(AssertionError):
        assert_no_script(markup)


def test_the_checker_allows_only_the_portals_own_scripts_and_forms_on_pages():
    own = (
        '<script src="/static/js/portal.js" defer></script><form method="post" action="/comptes/logout/"></form>'
        '<script id="tree-context" type="application/json">[{"node-id": "1"}]</script>'
    )
    assert_no_script(own, allow_static_scripts=True, allow_local_forms=True)
    with pytest.raises(AssertionError):
        assert_no_script(own)
    for markup in [
        '<script src="/static/js/portal.js">alert(1)</script>',
        '<script src="https://cdn.example/static/x.js"></script>',
        "<script>alert(1)</script>",
        '<script type="application/json">{"a": "</script><script>alert(1)</script>"}</script>',
        '<script type="application/json">alert(1)</script>',
        '<script src="/static/js/portal.js">',
        '<form action="//evil.example/"></form>',
        '<form action="https://evil.example/"></form>',
    ]:
        with pytest.raises(AssertionError):
            assert_no_script(markup, allow_static_scripts=True, allow_local_forms=True)


# The sanitiser ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_a_sanitised_payload_cannot_run_script(payload):
    cleaned = sanitize_html(payload)
    assert_no_script(cleaned)
    # A fragment that changes when cleaned again would mean a parser reads the output differently: mutation XSS.
    assert sanitize_html(cleaned) == cleaned


def test_formatting_survives():
    text = (
        "<p><strong>gras</strong> <b>gras</b> <em>italique</em> <i>italique</i> <u>souligné</u> <s>barré</s></p>"
        "<ul><li>un</li><li>deux</li></ul><ol><li>premier</li></ol>"
        "<p>ligne<br>suivante</p><pre><code>print(1)</code></pre><blockquote>cité</blockquote>"
    )
    assert sanitize_html(text) == text


def test_links_keep_their_address_and_get_rel():
    cleaned = sanitize_html(
        '<a href="https://ent.univ.example/?a=1&amp;b=2" title="ENT" target="_blank">ENT</a>'
        '<a href="mailto:assistance@univ.example">écrire</a><a href="http://ancien.univ.example">ancien</a>'
    )
    assert f'<a href="https://ent.univ.example/?a=1&amp;b=2" title="ENT" {REL}>ENT</a>' in cleaned
    assert f'<a href="mailto:assistance@univ.example" {REL}>écrire</a>' in cleaned
    assert f'<a href="http://ancien.univ.example" {REL}>ancien</a>' in cleaned
    assert "target" not in cleaned


@pytest.mark.parametrize("href", ["/administration/", "//evil.example/", "ftp://files.example/", "tel:0383"])
def test_links_outside_the_allowed_schemes_lose_their_address(href):
    assert sanitize_html(f'<a href="{href}">x</a>') == f"<a {REL}>x</a>"


def test_what_is_not_allowed_is_stripped_and_scripts_lose_their_content():
    cleaned = sanitize_html(
        '<h1 class="big" id="t">Titre</h1><div style="color:red">texte</div><img src="https://x.example/a.png">'
        "<script>secret()</script><style>p{}</style><table><tr><td>cellule</td></tr></table>"
    )
    # The editor's paragraphs (div) stay, without their attributes.
    assert cleaned == "Titre<div>texte</div>cellule"


def test_empty_input_gives_empty_output():
    for function in (sanitize_html, plain_to_html, html_to_text):
        assert function(None) == ""
        assert function("") == ""


def test_very_long_input_is_cut_before_cleaning():
    cleaned = sanitize_html("a" * (MAX_INPUT_LENGTH + 5000) + "<script>alert(1)</script>")
    assert cleaned == "a" * MAX_INPUT_LENGTH


# Plain text and text versions ---------------------------------------------------------------------------------------


def test_plain_text_is_escaped_and_made_into_paragraphs():
    html = plain_to_html("Bonjour <script>alert(1)</script> & co\r\nligne 2\n\n\n  Cordialement,\nBenjamin\n")
    assert html == (
        "<p>Bonjour &lt;script&gt;alert(1)&lt;/script&gt; &amp; co<br>ligne 2</p><p>Cordialement,<br>Benjamin</p>"
    )
    assert_no_script(html)
    assert sanitize_html(html) == html


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_plain_text_payload_stays_text(payload):
    assert_no_script(plain_to_html(payload))


def test_text_version_is_readable():
    text = html_to_text(
        "<p>Bonjour,\n  voici   le <b>problème</b> &amp; la &lt;solution&gt;&nbsp;:</p>"
        '<ul><li>un</li><li>voir <a href="https://ent.univ.example/?a=1&amp;b=2">l\'ENT</a></li></ul>'
        "<pre>def f():\n    return 1</pre><blockquote>cité</blockquote>"
        '<p>ligne<br>suivante, <a href="mailto:assistance@univ.example">assistance@univ.example</a></p>'
        "<script>alert(1)</script><style>p{}</style>"
    )
    assert text == (
        "Bonjour, voici le problème & la <solution> :\n\n"
        "- un\n- voir l'ENT (https://ent.univ.example/?a=1&b=2)\n\n"
        "def f():\n    return 1\n\n"
        "cité\n\n"
        "ligne\nsuivante, assistance@univ.example"
    )


def test_text_version_of_plain_text_gives_it_back():
    original = "Bonjour <madame> & monsieur,\nligne 2\n\nCordialement"
    assert html_to_text(plain_to_html(original)) == original


# Template filters ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_rich_filter_renders_a_payload_safely(payload):
    rendered = Template("{% load richtext %}<div>{{ value|rich }}</div><p>{{ value|richtext_plain }}</p>").render(
        Context({"value": payload})
    )
    assert_no_script(rendered)


def test_rich_filter_keeps_formatting_and_plain_filter_escapes():
    rendered = Template("{% load richtext %}{{ value|rich }}|{{ value|richtext_plain }}").render(
        Context({"value": "<p><b>gras</b> &lt;b&gt;</p>"})
    )
    assert rendered == "<p><b>gras</b> &lt;b&gt;</p>|gras &lt;b&gt;"


# Pages that show what users typed -----------------------------------------------------------------------------------


def _between(page, start, end):
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def _check_page(section, stored):
    assert_no_script(section, allow_static_scripts=True, allow_local_forms=True)
    # The stored text shows up, escaped: the page did render it, and no layer let it through raw.
    assert escape(stored) in section
    if any(character in stored for character in "<>\"'"):
        assert stored not in section


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_pages_show_user_typed_text_safely(client, make_user, make_service, make_category, payload):
    # PostgreSQL refuses NUL in text; the sanitiser tests above still cover those payloads.
    text = payload.replace("\x00", "")
    person = make_user(first_name=text[:150], last_name=text[:150], display_name=text[:200])
    service = make_service(text[:200], managers=[person])
    make_category(service, label=text[:300])
    shortest = text[:150]

    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    for url, params in [
        (reverse("services"), {}),
        (reverse("utilities"), {"q": text.strip()[:100]}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 200
        _check_page(_between(response.text, "<main", "</main>"), shortest)

    for name in [
        "admin:tickets_service_changelist",
        "admin:accounts_user_changelist",
        "admin:tickets_category_changelist",
        "admin:tickets_membership_changelist",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        _check_page(_between(response.text, '<div id="content"', "</main>"), shortest)

    # The home page shows the visitor's own name in the header: the person is the visitor here.
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    _check_page(_between(response.text, "<body", "</body>"), shortest)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_through_the_workflow_are_stored_clean(payload, make_user, make_service, make_category):
    """Subject, description, comment and file name typed by a user: what is stored renders without script."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tickets import workflow
    from tickets.attachments.storage import store_attachment
    from tickets.models import EntryScope

    owner = make_user()
    service = make_service()
    category = make_category(service)
    text = payload.replace("\x00", "")
    ticket = workflow.create_ticket(actor=owner, category=category, subject=text[:200] or "x", description=text or "x")
    ticket = workflow.comment(ticket, actor=owner, text=text or "x")
    attachment = store_attachment(
        ticket, SimpleUploadedFile(text[:100] + ".txt", b"texte"), uploaded_by=owner, scope=EntryScope.INVITED
    )
    page = Template(
        "{% load richtext %}<h1>{{ ticket.subject }}</h1>{{ ticket.description|rich }}"
        "{% for event in events %}{{ event.text|rich }}{% endfor %}<a href='#'>{{ attachment.name }}</a>"
    ).render(Context({"ticket": ticket, "events": ticket.events.all(), "attachment": attachment}))
    assert_no_script(page)
    for stored in [ticket.description, *ticket.events.values_list("text", flat=True)]:
        assert_no_script(stored)
