"""Reading the FAQ: the index, an entry's page and the deposit's step 2 show each person exactly the entries
their level lets them read (tests/faq_support.py says which), and refuse the others as they should."""

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import ticket_in
from tests.faq_support import LOGIN_FOR_VISITOR, READERS, READS, make_entries, shown, title
from tickets.models import FaqScope, Status


@pytest.fixture
def faq(world, make_faq_entry):
    ticket_in(world, Status.FREE)  # "invitee" is invited to a ticket of Scolarité
    return make_entries(world, make_faq_entry)


def log_in(client, world, name):
    if name != "visitor":
        client.force_login(world["people"][name])


def main_of(response):
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


# The index -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
def test_the_index_shows_each_reader_exactly_what_they_read(client, world, faq, name):
    log_in(client, world, name)
    response = client.get(reverse("faq"))
    assert response.status_code == 200
    assert shown(main_of(response)) == READS[name]


def test_the_index_puts_the_general_faq_first_then_the_services_by_label(client, world, make_faq_entry, make_service):
    make_faq_entry(make_service("Ateliers"), title="Question des ateliers ?")
    make_faq_entry(world["service"], title="Question de scolarité ?")
    make_faq_entry(None, title="Question générale ?")
    page = main_of(client.get(reverse("faq")))
    headings = [page.index("QUESTIONS FRÉQUENTES"), page.index("FAQ générale"), page.index("Ateliers")]
    headings.append(page.index("Scolarité"))
    assert headings == sorted(headings)
    assert page.index("Question générale ?") < page.index("Question des ateliers ?") < page.index("Question de scol")


def test_the_index_shows_the_tree_sections_as_headings_and_questions_as_links(client, world, make_faq_entry):
    section = make_faq_entry(world["service"], title="Connexion", is_section=True)
    question = make_faq_entry(parent=section, title="Mot de passe oublié ?")
    deeper = make_faq_entry(parent=make_faq_entry(parent=section, title="ENT", is_section=True), title="Quel ENT ?")
    page = main_of(client.get(reverse("faq")))
    assert f'<h3 class="faq-section-title"><a href="{reverse("faq_entry", args=[section.pk])}">Connexion</a>' in page
    assert '<h4 class="faq-section-title">' in page
    assert f'<a href="{reverse("faq_entry", args=[question.pk])}">Mot de passe oublié ?</a>' in page
    # Nested lists: the deeper question sits in the list of the inner section, inside the outer one's.
    outer = page.index("Connexion</a>")
    assert outer < page.index("ENT</a>") < page.index(f'{reverse("faq_entry", args=[deeper.pk])}"')
    assert page.count("<ul") == 3


def test_section_headings_never_skip_a_level(client, world, make_faq_entry):
    question = make_faq_entry(world["service"], title="Question mère ?")
    make_faq_entry(parent=make_faq_entry(parent=question, title="Rubrique fille", is_section=True))
    page = main_of(client.get(reverse("faq")))
    # Under the FAQ's h2, a section held by a question is an h3, as at the top.
    assert '<h3 class="faq-section-title">' in page and "<h4" not in page


def test_badges_show_restricted_and_hidden_entries_to_managers_only(client, world, faq):
    client.force_login(world["people"]["in_charge"])
    page = main_of(client.get(reverse("faq")))
    assert page.count("Masquée") == 2  # "hidden" and "hidden_section"
    assert "Personnes connectées" in page and "Gestionnaires du service" in page
    client.force_login(world["people"]["owner"])
    page = main_of(client.get(reverse("faq")))
    assert "Masquée" not in page and "Personnes connectées" not in page


def test_the_index_says_when_there_is_no_question(client, db):
    response = client.get(reverse("faq"))
    assert response.status_code == 200
    assert "Aucune question pour le moment." in main_of(response)


def test_a_faq_manager_sees_their_faq_even_empty(client, world):
    client.force_login(world["people"]["in_charge"])
    page = main_of(client.get(reverse("faq")))
    assert "Scolarité" in page and "Cette FAQ n'a pas encore de question." in page
    assert "Paie" not in page
    client.force_login(world["people"]["owner"])
    assert "Aucune question pour le moment." in main_of(client.get(reverse("faq")))


# One entry -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
def test_an_entry_page_opens_for_who_reads_it_only(client, world, faq, name):
    log_in(client, world, name)
    for entry_name, entry in faq.items():
        url = reverse("faq_entry", args=[entry.pk])
        response = client.get(url)
        if entry_name in READS[name]:
            assert response.status_code == 200, entry_name
            assert f'<h1 id="entry-title">{title(entry_name)}</h1>' in response.content.decode()
        elif name == "visitor" and entry_name in LOGIN_FOR_VISITOR:
            assert response.status_code == 302, entry_name
            assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"
        else:
            assert response.status_code == 404, entry_name


@pytest.mark.parametrize("pk", ["0", "999999", "99999999999999999999", "-1", "1%00", "abc", "%00"])
def test_odd_entry_ids_are_not_found(client, faq, pk):
    assert client.get(f"/faq/{pk}/").status_code == 404


def test_an_entry_page_has_its_breadcrumb_answer_date_author_and_children(client, world, make_faq_entry, settings):
    settings.TIME_ZONE = "Europe/Paris"
    manager = world["people"]["in_charge"]
    section = make_faq_entry(
        world["service"], title="Connexion", is_section=True, answer="<p>Tout sur la <b>connexion</b></p>"
    )
    when = datetime(2019, 6, 19, 13, 1, tzinfo=UTC)
    entry = make_faq_entry(
        parent=section, title="Mot de passe ?", answer="<p>Voir <i>ici</i></p>", updated_at=when, updated_by=manager
    )
    child = make_faq_entry(parent=section, title="Autre question ?")
    page = main_of(client.get(reverse("faq_entry", args=[entry.pk])))
    crumbs = page[page.index('<nav class="breadcrumb"') : page.index("</nav>")]
    assert f'href="{reverse("faq")}#faq-{world["service"].pk}">Scolarité</a>' in crumbs
    assert f'href="{reverse("faq_entry", args=[section.pk])}">Connexion</a>' in crumbs
    assert '<span aria-current="page">Mot de passe ?</span>' in crumbs
    assert '<h1 id="entry-title">Mot de passe ?</h1>' in page
    assert "<p>Voir <i>ici</i></p>" in page
    assert "Mise à jour le 19/06/19 15:01 par Sophie Lambert" in page
    # The section lists what it holds, and has no vote.
    page = main_of(client.get(reverse("faq_entry", args=[section.pk])))
    assert "Dans cette rubrique" in page and "Autre question ?" in page and "Mot de passe ?" in page
    assert f'href="{reverse("faq_entry", args=[child.pk])}"' in page
    assert "Cette réponse vous a-t-elle aidé ?" not in page


def test_an_entry_page_lists_only_the_children_the_reader_reads(client, world, make_faq_entry):
    section = make_faq_entry(world["service"], title="Connexion", is_section=True)
    make_faq_entry(parent=section, title="Pour tous ?")
    make_faq_entry(parent=section, title="Pour les gestionnaires ?", scope=FaqScope.MANAGERS)
    make_faq_entry(parent=section, title="En préparation ?", hidden=True)
    url = reverse("faq_entry", args=[section.pk])
    page = main_of(client.get(url))
    assert "Pour tous ?" in page and "Pour les gestionnaires ?" not in page and "En préparation ?" not in page
    client.force_login(world["people"]["in_charge"])
    page = main_of(client.get(url))
    assert "Pour les gestionnaires ?" in page and "En préparation ?" in page and "Masquée" in page


def test_the_general_faq_is_named_in_the_breadcrumb(client, make_faq_entry, db):
    entry = make_faq_entry(None, title="Question ?")
    page = main_of(client.get(reverse("faq_entry", args=[entry.pk])))
    assert f'href="{reverse("faq")}#faq-generale">FAQ générale</a>' in page


# The deposit's step 2 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name in READERS if name != "visitor"])
def test_step_2_shows_each_reader_the_entries_of_the_category_and_its_ancestors(client, world, faq, name):
    # The entries are linked to "home"; step 2 of its child category shows them too.
    log_in(client, world, name)
    for category in ("home", "child"):
        response = client.get(reverse("deposit_form", args=[world["categories"][category].pk]))
        assert response.status_code == 200
        page = main_of(response)
        assert shown(page) == READS[name]
        assert "Avant de déposer votre ticket, consultez :" in page


def test_step_2_shows_the_answer_its_files_and_a_link_opening_a_new_tab(client, world, make_faq_entry):
    from tests.faq_support import add_file

    entry = make_faq_entry(world["service"], title="Mot de passe ?", answer="<p>Réinitialisez-le</p>")
    entry.categories.add(world["categories"]["child"])
    file = add_file(entry, name="guide.pdf", content=b"%PDF-1.4 guide", content_type="application/pdf")
    client.force_login(world["people"]["owner"])
    page = main_of(client.get(reverse("deposit_form", args=[world["categories"]["child"].pk])))
    block = page[page.index('<section class="faq-deposit"') : page.index("<form")]
    assert "<details" in block and "<summary>Mot de passe ?</summary>" in block
    assert "<p>Réinitialisez-le</p>" in block
    assert f'<a href="{reverse("faq_file", args=[file.token])}">guide.pdf</a> (14' in block
    assert f'<a href="{reverse("faq_entry", args=[entry.pk])}" target="_blank" rel="noopener">' in block
    assert "(ouvrir dans un nouvel onglet)" in block


def test_step_2_leaves_out_entries_of_other_categories_and_says_nothing_without_entries(client, world, make_faq_entry):
    entry = make_faq_entry(world["service"], title="Question du frère ?")
    entry.categories.add(world["categories"]["sibling"])
    make_faq_entry(world["service"], title="Question sans catégorie ?")
    client.force_login(world["people"]["owner"])
    page = main_of(client.get(reverse("deposit_form", args=[world["categories"]["home"].pk])))
    assert "Avant de déposer" not in page and "Question du" not in page
    page = main_of(client.get(reverse("deposit_form", args=[world["categories"]["sibling"].pk])))
    assert "Question du frère ?" in page and "Question sans catégorie ?" not in page


def test_step_2_keeps_its_entries_when_the_form_comes_back(client, world, faq):
    client.force_login(world["people"]["owner"])
    response = client.post(reverse("deposit_form", args=[world["categories"]["home"].pk]), {"subject": "Mon sujet"})
    assert response.status_code == 400
    page = main_of(response)
    assert shown(page) == READS["owner"] and 'value="Mon sujet"' in page
