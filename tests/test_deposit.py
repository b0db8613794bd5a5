"""Déposer un ticket, in two steps."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from tests.factories import guide_tickets
from tickets.models import Attachment, Membership, Monitoring, OutgoingMail, Status, Ticket
from tickets.notifications import tasks

pytestmark = pytest.mark.django_db

GUIDE_MESSAGE = "Bonjour, je n'arrive pas à me connecter à Apogee, pouvez-vous m'aider SVP ?"


def screenshot(name="capture.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def seclier(guide):
    return guide["people"]["seclier5"]


@pytest.fixture
def scolarite(guide):
    return guide["categories"]["02_App_Gestion"]


def test_step_one_lists_the_guide_categories(client, seclier):
    client.force_login(seclier)
    page = client.get(reverse("deposit")).text.replace("&#x27;", "'").replace("&quot;", '"')
    assert "DÉPOSER UN TICKET : Sélectionner une catégorie (étape 1/2)" in page
    assert "Filtrer la liste des catégories :" in page
    assert page.index("Polytech Nancy") < page.index("Support technique pour les applications de scolarité")
    assert "Support technique pour les applications liées au pilotage des données (My report, Catisurvey, ...)" in page


def test_step_one_filters_without_javascript(client, seclier):
    client.force_login(seclier)
    page = client.get(reverse("deposit"), {"q": "apogee"}).text
    assert "Support technique pour les applications de scolarité (Apogée, SNW, ...)" in page
    assert "Polytech Nancy" not in page
    assert "Aucune catégorie ne correspond à ce filtre." in client.get(reverse("deposit"), {"q": "zzz"}).text


def test_step_one_keeps_the_parent_of_a_matching_child(client, seclier):
    client.force_login(seclier)
    page = client.get(reverse("deposit"), {"q": "salles"}).text
    assert "Polytech Nancy" in page
    assert "Salles informatiques" in page
    assert "Support technique pour ADE UL" not in page


def test_step_two_shows_the_selected_category(client, seclier, scolarite):
    client.force_login(seclier)
    page = client.get(reverse("deposit_form", args=[scolarite.pk])).text
    assert "DÉPOSER UN TICKET : Création du ticket (étape 2/2)" in page
    assert "02_App_Gestion - Support technique pour les applications de scolarité (Apogée, SNW, ...)" in page
    assert "Propriétés avancées" in page
    assert "Créer le ticket" in page
    # Only the service's managers deposit on behalf of someone else.
    assert 'name="owner"' not in page


def test_step_two_for_a_category_that_does_not_exist(client, seclier):
    client.force_login(seclier)
    for value in ["999999", "abc", "%00"]:
        assert client.get(f"/deposer/{value}/").status_code == 404


def test_deposit_creates_a_free_ticket_with_its_screenshot(
    client, seclier, scolarite, mail_in_process, django_capture_on_commit_callbacks
):
    client.force_login(seclier)
    # What runs after commit (the thumbnail drawn by a worker) runs in-process.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deposit_form", args=[scolarite.pk]),
            {
                "subject": "Connexion apogee impossible",
                "description": f"<div>{GUIDE_MESSAGE}</div>",
                "scope": "private",
                "priority": "2",
                "files": [screenshot()],
            },
            follow=True,
        )
    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == reverse("ticket", args=[ticket.pk])
    page = response.text.replace("&#x27;", "'")
    assert "Un nouveau ticket a été créé." in page
    assert f"TICKET n°{ticket.pk} : Connexion apogee impossible" in page
    assert "Libre" in page
    assert "capture.png" in page
    assert (ticket.status, ticket.owner, ticket.service, ticket.category) == (
        Status.FREE, seclier, scolarite.service, scolarite,
    )  # fmt: skip
    attachment = ticket.attachments.get()
    assert attachment.event == ticket.events.get()
    assert attachment.thumbnail


def test_a_missing_field_and_a_refused_file_keep_everything(client, seclier, scolarite):
    client.force_login(seclier)
    url = reverse("deposit_form", args=[scolarite.pk])
    response = client.post(
        url,
        {
            "subject": "",
            "description": GUIDE_MESSAGE,
            "scope": "private",
            "priority": "2",
            "files": [screenshot("ecran.png"), SimpleUploadedFile("faux.png", b"<html><script>x</script></html>")],
        },
    )
    assert response.status_code == 400
    page = response.text.replace("&#x27;", "'")
    assert "Ce champ est obligatoire." in page
    assert "faux.png" in page and "type accepté" in page
    assert GUIDE_MESSAGE in page
    assert "ecran.png" in page  # the accepted file is kept
    assert not Ticket.objects.exists()
    draft = response.context["drafts"][0]
    # Second try: the subject is given, the kept file comes back as a draft, nothing chosen again.
    response = client.post(
        url,
        {
            "subject": "Connexion apogee impossible",
            "description": GUIDE_MESSAGE,
            "scope": "private",
            "priority": "2",
            "drafts": [draft.token],
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert [a.name for a in ticket.attachments.all()] == ["ecran.png"]
    assert client.session["deposit_drafts"] == {}


def test_a_draft_of_another_session_is_ignored(client, seclier, scolarite):
    client.force_login(seclier)
    client.post(
        reverse("deposit_form", args=[scolarite.pk]),
        {"subject": "s", "description": "d", "scope": "private", "priority": "2", "drafts": ["0" * 32]},
    )
    assert not Attachment.objects.exists()


def test_a_manager_deposits_on_behalf_of_someone(client, guide, scolarite):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    client.force_login(User.objects.get(username="gest-scol"))
    page = client.get(reverse("deposit_form", args=[scolarite.pk])).text
    assert 'name="owner"' in page and 'name="origin"' in page
    client.post(
        reverse("deposit_form", args=[scolarite.pk]),
        {"subject": "Appel", "description": "Par téléphone", "scope": "private", "priority": "2",
         "origin": "phone", "owner": "mdupont"},
    )  # fmt: skip
    ticket = Ticket.objects.get()
    assert (ticket.owner.username, ticket.origin) == ("mdupont", "phone")
    response = client.post(
        reverse("deposit_form", args=[scolarite.pk]),
        {"subject": "Appel", "description": "x", "scope": "private", "priority": "2", "owner": "personne"},
    )
    assert "Personne ne correspond à cet identifiant." in response.text.replace("&#x27;", "'")


def test_deposit_pages_query_counts_do_not_grow(client, guide, seclier, scolarite, django_assert_num_queries, settings):
    client.force_login(seclier)
    counts = []
    for extra in [0, 200]:
        if extra:
            guide_tickets(guide, extra, seed=3)
        client.get(reverse("deposit"))
        # session, user, categories, memberships (menu), services with their visibility rules
        with django_assert_num_queries(5) as step_one:
            client.get(reverse("deposit"))
        # session, user, category, memberships, visibility rules, FAQ entries
        with django_assert_num_queries(6) as step_two:
            client.get(reverse("deposit_form", args=[scolarite.pk]))
        counts.append((len(step_one), len(step_two)))
    assert counts[0] == counts[1]


def test_a_deposit_costs_the_same_queries_with_more_tickets_and_more_managers(
    client, guide, seclier, scolarite, make_user, monkeypatch, django_assert_num_queries,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The deposit's POST, its mail written to the outbox and queued after commit (never sent in the
    request), costs a fixed number of queries, however many tickets exist and managers hear of it."""
    queued = []
    monkeypatch.setattr(tasks.deliver_mail, "apply_async", lambda args, **options: queued.append(args[0]))
    client.force_login(seclier)
    url = reverse("deposit_form", args=[scolarite.pk])
    counts, written = [], []
    for extra in [0, 200]:
        if extra:
            guide_tickets(guide, extra, seed=4)
            for _number in range(3):
                Membership.objects.create(service=scolarite.service, user=make_user(), monitoring=Monitoring.ALWAYS)
        before = OutgoingMail.objects.count()
        # session, user, category, memberships, visibility rules; then, in its transaction (a savepoint
        # here, inside the test's transaction, where production has BEGIN and COMMIT): the ticket, its
        # first entry, the service's managers, the memberships of those who hear of it (one query for all),
        # the outbox rows, their links to the entry, the search index (one statement on PostgreSQL;
        # SQLite's rows are computed here, from four reads and writes more) and the statistics' rows (one
        # statement on PostgreSQL, one per table on SQLite).
        expected = 15 if connection.vendor == "postgresql" else 20
        with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(expected) as post:
            assert client.post(url, deposit_fields()).status_code == 302
        counts.append(len(post))
        written.append(OutgoingMail.objects.count() - before)
    assert counts[0] == counts[1]
    assert written == [2, 5]  # gest-scol and gest-scol2 hear of a new ticket; then three more managers
    assert len(queued) == 7 and sorted(queued) == list(OutgoingMail.objects.order_by("pk").values_list("pk", flat=True))


def test_abandoned_draft_files_are_deleted_after_a_while(client, seclier, scolarite, settings):
    import os
    import time

    from django.core.files.storage import default_storage
    from django.core.management import call_command

    client.force_login(seclier)
    client.post(
        reverse("deposit_form", args=[scolarite.pk]),
        {"subject": "", "description": "x", "scope": "private", "priority": "2", "files": [screenshot()]},
    )
    (fresh,) = client.session["deposit_drafts"].values()
    call_command("run_scheduled_work", "drafts")
    assert default_storage.exists(fresh["path"])  # a draft of the last hours stays
    old = time.time() - (settings.DRAFT_HOURS + 1) * 3600
    os.utime(default_storage.path(fresh["path"]), (old, old))
    call_command("run_scheduled_work", "drafts")
    assert not default_storage.exists(fresh["path"])


def deposit_fields(**fields):
    """A deposit form's fields, all valid; ``subject=""`` makes the form fail so that its files stay drafts."""
    return {"subject": "Connexion apogee impossible", "description": GUIDE_MESSAGE, "scope": "private",
            "priority": "2", **fields}  # fmt: skip


def failed_post(client, url, *files, **fields):
    """Posts the form with an error and returns the drafts it sends back."""
    response = client.post(url, deposit_fields(subject="", files=list(files), **fields))
    assert response.status_code == 400
    return response.context["drafts"]


def test_a_draft_token_sent_twice_gives_one_file(client, seclier, scolarite):
    client.force_login(seclier)
    url = reverse("deposit_form", args=[scolarite.pk])
    first, second = failed_post(client, url, screenshot("un.png"), screenshot("deux.png"))

    response = client.post(url, deposit_fields(drafts=[first.token, second.token, first.token, second.token]))

    assert response.status_code == 302
    assert [a.name for a in Ticket.objects.get().attachments.all()] == ["un.png", "deux.png"]


def draft_files(user):
    """The names of the files kept as drafts for ``user``, on disk."""
    from django.core.files.storage import default_storage

    folder = f"drafts/{user.pk}"
    return sorted(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else []


def test_drafts_the_form_no_longer_lists_are_deleted(client, seclier, scolarite):
    client.force_login(seclier)
    url = reverse("deposit_form", args=[scolarite.pk])
    kept, _removed = failed_post(client, url, screenshot("garde.png"), screenshot("retire.png"))

    # The person unticked "retire.png" and tries again, with an error again.
    (still,) = failed_post(client, url, drafts=[kept.token])

    assert still.token == kept.token
    assert draft_files(seclier) == [kept.token]
    assert list(client.session["deposit_drafts"]) == [kept.token]


def test_failed_posts_that_never_send_their_drafts_back_do_not_pile_up(client, seclier, scolarite):
    client.force_login(seclier)
    url = reverse("deposit_form", args=[scolarite.pk])
    for _ in range(3):
        (last,) = failed_post(client, url, screenshot())
    assert draft_files(seclier) == [last.token]


def test_every_draft_of_the_person_counts_toward_the_ticket_limit(client, seclier, scolarite, settings):
    from django.test import Client

    size = screenshot().size
    settings.MAX_TICKET_FILES_SIZE = 2 * size
    url = reverse("deposit_form", args=[scolarite.pk])
    client.force_login(seclier)
    assert len(failed_post(client, url, screenshot("un.png"), screenshot("deux.png"))) == 2
    # Another session of the same person (another browser, or logged in again) lists none of those drafts.
    other = Client()
    other.force_login(seclier)

    response = other.post(url, deposit_fields(subject="", files=[screenshot("trois.png")]))

    assert response.status_code == 400
    assert response.context["drafts"] == []
    page = response.text.replace("&#x27;", "'")
    assert "Le fichier « trois.png » ne peut pas être ajouté : les fichiers de ce ticket occupent déjà" in page
    assert len(draft_files(seclier)) == 2


LOST_MESSAGE = "Le fichier « perdu.png » n'est plus disponible : veuillez le choisir à nouveau."


def test_a_draft_whose_file_was_purged_brings_the_form_back_with_everything_typed(client, seclier, scolarite):
    from django.core.files.storage import default_storage

    client.force_login(seclier)
    url = reverse("deposit_form", args=[scolarite.pk])
    lost, kept = failed_post(client, url, screenshot("perdu.png"), screenshot("garde.png"))
    default_storage.delete(lost.path)  # as the hourly cleanup does

    response = client.post(url, deposit_fields(subject="Sujet tapé", drafts=[lost.token, kept.token]))

    assert response.status_code == 400
    page = response.text.replace("&#x27;", "'")
    assert LOST_MESSAGE in page
    assert 'value="Sujet tapé"' in page and GUIDE_MESSAGE in page
    assert [draft.token for draft in response.context["drafts"]] == [kept.token]
    assert list(client.session["deposit_drafts"]) == [kept.token]
    assert not Ticket.objects.exists()


def test_a_draft_purged_while_the_ticket_is_filed_brings_the_form_back(client, seclier, scolarite, monkeypatch):
    from django.core.files.storage import default_storage

    from tickets.views import deposit as deposit_views

    client.force_login(seclier)
    url = reverse("deposit_form", args=[scolarite.pk])
    kept, lost = failed_post(client, url, screenshot("garde.png"), screenshot("perdu.png"))
    file_ticket = deposit_views.file_ticket

    def purge_then_file(**arguments):
        default_storage.delete(lost.path)  # the hourly cleanup runs between the checks and the filing
        return file_ticket(**arguments)

    monkeypatch.setattr(deposit_views, "file_ticket", purge_then_file)

    response = client.post(url, deposit_fields(subject="Sujet tapé", drafts=[kept.token, lost.token]))

    assert response.status_code == 400
    page = response.text.replace("&#x27;", "'")
    assert LOST_MESSAGE in page
    assert 'value="Sujet tapé"' in page and GUIDE_MESSAGE in page
    assert [draft.token for draft in response.context["drafts"]] == [kept.token]
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()


def test_filing_with_a_lost_draft_writes_nothing(seclier, scolarite, settings):
    from pathlib import Path

    from django.core.exceptions import ValidationError

    from tickets.attachments.drafts import Draft, DraftFiles
    from tickets.services.deposit import file_ticket

    (good,), errors = DraftFiles({}, seclier.pk).add([screenshot("garde.png")], [])
    assert errors == []
    lost = Draft(token="0" * 32, name="perdu.png", size=10, path=f"drafts/{seclier.pk}/{'0' * 32}")

    with pytest.raises(ValidationError) as refused:
        file_ticket(actor=seclier, category=scolarite, drafts=[good, lost], subject="s", description="d")

    assert refused.value.messages == [LOST_MESSAGE]
    assert not Ticket.objects.exists()
    # The first draft's copy is gone with the rolled back ticket; only the draft itself stays.
    assert [path.name for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == [good.token]


def test_files_past_the_limit_of_a_deposit_are_refused_unread(client, seclier, scolarite, settings, monkeypatch):
    from tickets.attachments import drafts as drafts_module

    settings.MAX_FILES_PER_TICKET = 2
    checked = []
    validate_upload = drafts_module.validate_upload

    def counting_validate_upload(upload, **arguments):
        checked.append(upload.name)
        return validate_upload(upload, **arguments)

    monkeypatch.setattr(drafts_module, "validate_upload", counting_validate_upload)
    client.force_login(seclier)
    url = reverse("deposit_form", args=[scolarite.pk])

    response = client.post(url, deposit_fields(subject="", files=[screenshot(f"{name}.png") for name in "abcd"]))

    page = response.text.replace("&#x27;", "'")
    assert (
        "Les fichiers « c.png », « d.png » n'ont pas été ajoutés : le nombre de fichiers d'un ticket est limité à 2."
        in page
    )
    first, second = response.context["drafts"]
    assert checked == ["a.png", "b.png"]  # the extra files are not even read
    # The form lists two drafts already: one more file is one too many.
    response = client.post(url, deposit_fields(drafts=[first.token, second.token], files=[screenshot("e.png")]))
    assert response.status_code == 400
    page = response.text.replace("&#x27;", "'")
    assert "Le fichier « e.png » n'a pas été ajouté : le nombre de fichiers d'un ticket est limité à 2." in page
    assert response.context["drafts"] == [first, second]
    assert not Ticket.objects.exists()

    assert client.post(url, deposit_fields(drafts=[first.token, second.token])).status_code == 302
    assert [a.name for a in Ticket.objects.get().attachments.all()] == ["a.png", "b.png"]


def test_the_files_past_the_limit_are_named_in_the_persons_language(settings):
    from django.utils import translation

    from tickets.attachments.checks import too_many_files

    settings.MAX_FILES_PER_TICKET = 10
    with translation.override("en"):
        assert too_many_files(["a.png", "C:\\b.png"]).messages == [
            "The files “a.png”, “b.png” were not added: the number of files of a ticket is limited to 10."
        ]


def test_the_ticket_page_links_the_file_then_shows_its_thumbnail_once_drawn(
    client, seclier, scolarite, mail_in_process, django_capture_on_commit_callbacks
):
    client.force_login(seclier)
    with django_capture_on_commit_callbacks() as after_commit:
        response = client.post(reverse("deposit_form", args=[scolarite.pk]), deposit_fields(files=[screenshot()]))
    ticket = Ticket.objects.get()
    attachment = ticket.attachments.get()
    link = f'<a href="{reverse("attachment", args=[attachment.token])}">'
    image = f'<img class="thumbnail" src="{reverse("attachment_thumbnail", args=[attachment.token])}" alt=""'

    page = client.get(response.url).text
    assert link in page and image not in page

    for callback in after_commit:
        callback()  # the worker's turn
    page = client.get(response.url).text
    assert link in page and image in page
