import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_help_shows_the_guide(client):
    response = client.get(reverse("help"))
    assert response.status_code == 200
    for heading in [
        "Présentation",
        "Pourquoi l'assistance en ligne ?",
        "Nouveau ticket",
        "Demande de complément d'information",
        "Approuver ou refuser la clôture d'un ticket",
    ]:
        assert heading in response.text.replace("&#x27;", "'")


def test_preferences_save_the_language(client, user):
    client.force_login(user)
    response = client.post(reverse("preferences"), {"language": "en"}, follow=True)
    assert "Your preferences have been saved." in response.text
    user.refresh_from_db()
    assert user.language == "en"


def test_preferences_reject_an_unknown_language_and_keep_the_form(client, user):
    client.force_login(user)
    response = client.post(reverse("preferences"), {"language": "klingon"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    user.refresh_from_db()
    assert user.language == "fr"


def test_user_lookup_finds_people_and_their_services(client, manager, make_user):
    make_user("mdupont", first_name="Marie", last_name="Dupont")
    client.force_login(manager)
    response = client.get(reverse("utilities"), {"q": "dupont"})
    assert "Marie Dupont" in response.text
    assert "1 personne trouvée" in response.text
    response = client.get(reverse("utilities"), {"q": "lambert"})
    assert "DN – Applications de scolarité" in response.text


def test_user_lookup_with_no_match_says_so(client, manager):
    client.force_login(manager)
    response = client.get(reverse("utilities"), {"q": "<script>x</script>" * 20})
    assert response.status_code == 200
    assert "Personne ne correspond à cette recherche." in response.text
    assert "<script>x" not in response.text


def test_services_page_lists_managers_and_categories(client, guide):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="gest-scol"))
    response = client.get(reverse("services"))
    assert "02_App_Gestion - Support technique pour les applications de scolarité (Apogée, SNW, ...)" in response.text
    assert "Paul Girard (gest-scol2)" in response.text
    assert "Polytech" not in response.text


@pytest.mark.parametrize("size", [3, 30])
def test_page_query_counts_do_not_grow_with_the_data(client, django_assert_num_queries, make_user, make_service,
                                                     make_category, size):  # fmt: skip
    admin = make_user("root", is_superuser=True, is_staff=True)
    for _ in range(size):
        person = make_user()
        service = make_service(managers=[person])
        make_category(service, code="X")
    client.force_login(admin)
    client.get(reverse("home"))  # warms the session
    # session, user, then the page's own queries
    with django_assert_num_queries(2):
        client.get(reverse("home"))
    with django_assert_num_queries(2):
        client.get(reverse("help"))
    # the mail preferences and the memberships (the admin manages none)
    with django_assert_num_queries(4):
        client.get(reverse("preferences"))
    with django_assert_num_queries(5):
        client.get(reverse("services"))
    with django_assert_num_queries(4):
        client.get(reverse("utilities"), {"q": "Nom"})


def test_user_lookup_survives_a_nul_character(client, manager):
    client.force_login(manager)
    response = client.get(reverse("utilities"), {"q": "lam\x00bert"})
    assert response.status_code == 200
