"""Cette réponse vous a-t-elle aidé ? Once per person and entry (a new answer replaces the first), visitors are
asked to log in, an entry one may not read is "not found", and only who manages the FAQ sees the counts."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from tickets.faq.selectors import vote_counts
from tickets.faq.votes import record_vote
from tickets.models import FaqScope, FaqVote, Membership


@pytest.fixture
def entry(world, make_faq_entry):
    return make_faq_entry(world["service"], title="Mot de passe oublié ?", answer="<p>Réinitialisez-le.</p>")


def vote(client, entry, value):
    return client.post(reverse("faq_vote", args=[entry.pk]), {"avis": value})


def test_a_person_votes_once_and_may_change_their_mind(client, world, entry):
    owner = world["people"]["owner"]
    client.force_login(owner)
    response = vote(client, entry, "oui")
    assert response.status_code == 302
    assert response["Location"] == reverse("faq_entry", args=[entry.pk]) + "#avis"
    vote(client, entry, "oui")
    assert list(FaqVote.objects.values_list("user", "helpful")) == [(owner.pk, True)]
    page = client.get(reverse("faq_entry", args=[entry.pk])).content.decode()
    assert "Merci pour votre avis." in page and "Vous avez répondu « Oui »." in page
    vote(client, entry, "non")
    assert list(FaqVote.objects.values_list("user", "helpful")) == [(owner.pk, False)]
    assert "Vous avez répondu « Non »." in client.get(reverse("faq_entry", args=[entry.pk])).content.decode()


def test_votes_are_counted_per_entry_and_person(world, entry, make_faq_entry):
    other = make_faq_entry(world["service"])
    people = world["people"]
    record_vote(entry, people["owner"], True)
    record_vote(entry, people["invitee"], True)
    record_vote(entry, people["stranger"], False)
    record_vote(entry, people["stranger"], True)
    record_vote(other, people["owner"], False)
    counts = vote_counts(entry)
    assert (counts.helpful, counts.unhelpful) == (3, 0)
    counts = vote_counts(other)
    assert (counts.helpful, counts.unhelpful) == (0, 1)


def test_a_visitor_is_asked_to_log_in_to_vote(client, entry):
    url = reverse("faq_entry", args=[entry.pk])
    page = client.get(url).content.decode()
    assert f'href="{reverse("account_login")}?next={quote(url)}"' in page
    assert 'name="avis"' not in page
    response = vote(client, entry, "oui")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"
    assert not FaqVote.objects.exists()


@pytest.mark.parametrize(
    "fields, status",
    [
        ({"scope": FaqScope.MANAGERS}, 404),
        ({"hidden": True}, 404),
        ({"service": None, "scope": FaqScope.MANAGERS}, 404),
    ],
)
def test_voting_on_an_entry_one_may_not_read_is_not_found(client, world, make_faq_entry, fields, status):
    service = fields.pop("service", world["service"])
    entry = make_faq_entry(service, **fields)
    client.force_login(world["people"]["owner"])
    assert vote(client, entry, "oui").status_code == status
    assert client.post(reverse("faq_vote", args=[999999]), {"avis": "oui"}).status_code == 404
    assert not FaqVote.objects.exists()


@pytest.mark.parametrize("value", ["", "peut-être", "1", "oui\x00", "x" * 1000])
def test_an_odd_answer_is_refused_with_a_message(client, world, entry, value):
    client.force_login(world["people"]["owner"])
    response = client.post(reverse("faq_vote", args=[entry.pk]), {"avis": value}, follow=True)
    assert response.status_code == 200
    assert "Choisissez « Oui » ou « Non »." in response.content.decode()
    assert not FaqVote.objects.exists()


def test_voting_takes_a_post(client, world, entry):
    client.force_login(world["people"]["owner"])
    assert client.get(reverse("faq_vote", args=[entry.pk]), {"avis": "oui"}).status_code == 405
    assert not FaqVote.objects.exists()


def test_counts_are_shown_to_who_manages_the_faq_only(client, world, entry, make_user):
    people = world["people"]
    record_vote(entry, people["owner"], True)
    record_vote(entry, people["invitee"], True)
    record_vote(entry, people["stranger"], False)
    without_privilege = make_user("gest-sans-faq")
    Membership.objects.create(service=world["service"], user=without_privilege, can_manage_faq=False)
    url = reverse("faq_entry", args=[entry.pk])
    for person, sees in [
        (people["in_charge"], True),
        (people["admin"], True),
        (without_privilege, False),
        (people["other_manager"], False),
        (people["owner"], False),
        (None, False),
    ]:
        client.logout()
        if person:
            client.force_login(person)
        page = client.get(url).content.decode()
        assert ("Oui : 2 · Non : 1" in page) == sees, person


def test_sections_have_no_vote(client, world, make_faq_entry):
    section = make_faq_entry(world["service"], is_section=True)
    client.force_login(world["people"]["owner"])
    assert (
        "Cette réponse vous a-t-elle aidé ?" not in client.get(reverse("faq_entry", args=[section.pk])).content.decode()
    )
    page = client.get(reverse("faq_entry", args=[make_faq_entry(world["service"]).pk])).content.decode()
    assert "Cette réponse vous a-t-elle aidé ?" in page
