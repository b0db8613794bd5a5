"""The FAQ's pages cost the same number of queries with 10 and with 1,000 entries: the index, an entry page (a
section whose children grow) and the deposit's step 2 (a category whose linked entries grow), for each kind of
reader."""

import pytest
from django.urls import reverse

from tests.faq_support import add_file, bulk_children
from tests.test_query_counts import count_queries
from tickets.faq.votes import record_vote
from tickets.models import FaqEntry, FaqFile, FaqScope

pytestmark = pytest.mark.django_db


def link(entries, category):
    FaqEntry.categories.through.objects.bulk_create(
        [FaqEntry.categories.through(faqentry_id=entry.pk, category_id=category.pk) for entry in entries]
    )


def test_faq_pages_cost_the_same_with_10_and_with_1000_entries(client, world, make_faq_entry):
    people, service, home = world["people"], world["service"], world["categories"]["home"]
    section = make_faq_entry(service, title="Connexion", is_section=True)
    question = make_faq_entry(parent=section, title="Mot de passe ?", answer="<p>Réinitialisez-le.</p>")
    add_file(question, name="guide.txt")
    record_vote(question, people["owner"], True)
    make_faq_entry(parent=section, scope=FaqScope.USERS)
    make_faq_entry(parent=section, hidden=True)
    for scope in (FaqScope.EVERYONE, FaqScope.USERS, FaqScope.MANAGERS):
        make_faq_entry(None, scope=scope)
        make_faq_entry(service, scope=scope)
    link([question, *FaqEntry.objects.filter(depth=1, is_section=False)], home)
    assert FaqEntry.objects.count() == 10
    urls = [
        reverse("faq"),
        reverse("faq_entry", args=[section.pk]),
        reverse("faq_entry", args=[question.pk]),
    ]
    readers = ["visitor", "owner", "other_manager", "in_charge", "admin"]

    def measure():
        counts = {}
        for name in readers:
            client.logout()
            if name != "visitor":
                client.force_login(people[name])
            for url in [*urls, *([reverse("deposit_form", args=[home.pk])] if name != "visitor" else [])]:
                counts[(name, url)] = count_queries(client, url)
        return counts

    small = measure()
    # 990 more: 11 under the section, 89 sections of 10 questions in the two FAQs, half of them linked to the
    # category, each of those with a file.
    grown = bulk_children(section, 11)
    for number in range(89):
        faq_section = bulk_children(None, 1, service=service if number % 2 else None, is_section=True)[0]
        grown += bulk_children(faq_section, 10)
    linked = grown[::2]
    link(linked, home)
    FaqFile.objects.bulk_create(
        FaqFile(
            entry=entry,
            token=f"{entry.pk:032x}",
            file="faq/x",
            name=f"{entry.pk}.txt",
            content_type="text/plain",
            size=1,
        )
        for entry in linked
    )
    for person in ("owner", "invitee", "stranger"):
        record_vote(question, people[person], False)
    assert FaqEntry.objects.count() == 1000
    large = measure()
    assert large == small
    # The pages did list what grew.
    client.force_login(people["admin"])
    assert client.get(reverse("faq")).content.decode().count('class="faq-question"') > 900
    step_2 = client.get(reverse("deposit_form", args=[home.pk])).content.decode()
    assert step_2.count('<details class="faq-deposit-entry">') == len(linked) + 7
