"""Writing the FAQ (tickets.faq.editing): each change checks the right itself and writes one history line."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tickets.attachments.thumbnails import add_thumbnail_to
from tickets.faq import editing
from tickets.faq.changes import changes_of_faq, with_sentences
from tickets.faq.files import MAX_FILES_PER_ENTRY, check_faq_files
from tickets.models import FaqChange, FaqEntry, FaqFile, FaqScope, Membership

pytestmark = pytest.mark.django_db


def png(name="capture.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text_file(name="notice.txt", content=b"Erreur 42\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def stored_names(settings):
    root = settings.MEDIA_ROOT
    return sorted(path.name for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def faq(world, make_faq_entry, make_category, make_user):
    """Scolarité's FAQ: section "Apogée" holding q1, q2, q3; section "SNW" holding "snw"; a top question
    "top"; and an entry of Paie's FAQ. Its managers: gest-scol ("in_charge"), admin; "no_faq" lacks the
    privilege."""
    service = world["service"]
    apogee = make_faq_entry(service, title="Apogée", is_section=True)
    entries = {"apogee": apogee, "service": service}
    for name in ("q1", "q2", "q3"):
        entries[name] = make_faq_entry(parent=apogee, title=name, answer=f"<p>{name}</p>")
    entries["snw"] = snw = make_faq_entry(service, title="SNW", is_section=True)
    entries["snw_q"] = make_faq_entry(parent=snw, title="snw")
    entries["top"] = make_faq_entry(service, title="top")
    entries["paie"] = make_faq_entry(world["categories"]["elsewhere"].service, title="paie")
    no_faq = make_user("gest-sans-faq")
    Membership.objects.create(service=service, user=no_faq, can_manage_faq=False)
    world["people"]["no_faq"] = no_faq
    entries["people"] = world["people"]
    return entries


def fresh(entry):
    return FaqEntry.objects.get(pk=entry.pk)


def titles_under(entry):
    return [child.title for child in FaqEntry.objects.get_children(fresh(entry))]


def only_change():
    (change,) = FaqChange.objects.all()
    return change


def test_create_adds_the_entry_last_in_its_section_with_one_history_line(faq, world):
    sophie = faq["people"]["in_charge"]
    home = world["categories"]["home"]
    entry = editing.create_faq_entry(
        actor=sophie,
        service=faq["service"],
        parent=faq["apogee"],
        title="  Mot de passe   expiré ? ",
        answer="<p>Changez-le.</p><script>alert(1)</script>",
        scope=FaqScope.USERS,
        categories=[home],
    )
    assert titles_under(faq["apogee"]) == ["q1", "q2", "q3", "Mot de passe expiré ?"]
    assert entry.answer == "<p>Changez-le.</p>"
    assert (entry.created_by, entry.updated_by, entry.scope) == (sophie, sophie, FaqScope.USERS)
    assert list(entry.categories.all()) == [home]
    change = only_change()
    assert (change.kind, change.entry, change.author, change.title) == ("created", entry, sophie, entry.title)


def test_create_at_the_top_of_the_general_faq_is_for_admins(faq):
    admin = faq["people"]["admin"]
    entry = editing.create_faq_entry(actor=admin, service=None, title="Comment déposer un ticket ?")
    assert entry.service_id is None and entry.depth == 1
    with pytest.raises(PermissionDenied):
        editing.create_faq_entry(actor=faq["people"]["in_charge"], service=None, title="x")
    assert FaqChange.objects.count() == 1


@pytest.mark.parametrize("role", ["owner", "no_faq", "other_manager"])
def test_every_change_checks_the_right_itself(faq, role):
    person = faq["people"][role]
    q1 = faq["q1"]
    calls = [
        lambda: editing.create_faq_entry(actor=person, service=faq["service"], title="x"),
        lambda: editing.update_faq_entry(
            q1, actor=person, title="x", answer="", scope=FaqScope.EVERYONE, is_section=False, categories=[]
        ),
        lambda: editing.move_faq_entry(q1, actor=person, target=faq["q3"], position=editing.AFTER),
        lambda: editing.shift_faq_entry(q1, actor=person, direction=editing.DOWN),
        lambda: editing.set_faq_entry_hidden(q1, actor=person, hidden=True),
        lambda: editing.delete_faq_entry(q1, actor=person),
        lambda: editing.add_faq_files(q1, [text_file()], actor=person),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert not FaqChange.objects.exists()
    assert fresh(q1).title == "q1" and not fresh(q1).hidden


def test_create_refuses_an_empty_title_and_a_parent_of_another_faq(faq):
    sophie = faq["people"]["in_charge"]
    with pytest.raises(ValidationError):
        editing.create_faq_entry(actor=sophie, service=faq["service"], title="   ")
    with pytest.raises(ValidationError):
        editing.create_faq_entry(actor=sophie, service=faq["service"], parent=faq["paie"], title="x")
    assert not FaqChange.objects.exists()


def test_update_records_only_the_changed_fields_before_and_after(faq, world):
    sophie = faq["people"]["in_charge"]
    home = world["categories"]["home"]
    entry = editing.update_faq_entry(
        faq["q1"],
        actor=sophie,
        title="q1",
        answer="<p>Nouvelle réponse</p><img src=x onerror=alert(1)>",
        scope=FaqScope.EVERYONE,
        is_section=False,
        categories=[home],
    )
    change = only_change()
    assert change.kind == "edited"
    assert change.details == {
        "answer": ["<p>q1</p>", "<p>Nouvelle réponse</p>"],
        "categories": [[], [home.title]],
    }
    assert entry.answer == fresh(faq["q1"]).answer == "<p>Nouvelle réponse</p>"
    assert fresh(faq["q1"]).updated_by == sophie
    (line,) = with_sentences([change])
    assert "Sophie Lambert a modifié l'entrée" in line.sentence
    labels = [(field.label, field.before, field.after) for field in line.fields]
    assert labels == [("Réponse", "q1", "Nouvelle réponse"), ("Catégories liées", "aucune", home.title)]


def test_update_without_a_change_writes_nothing(faq):
    q1 = faq["q1"]
    editing.update_faq_entry(
        q1,
        actor=faq["people"]["admin"],
        title="q1",
        answer="<p>q1</p>",
        scope="everyone",
        is_section=False,
        categories=[],
    )
    assert not FaqChange.objects.exists()


def test_update_refuses_a_category_of_another_service(faq, world):
    with pytest.raises(ValidationError):
        editing.update_faq_entry(
            faq["q1"],
            actor=faq["people"]["in_charge"],
            title="q1",
            answer="",
            scope="everyone",
            is_section=False,
            categories=[world["categories"]["elsewhere"]],
        )
    assert not FaqChange.objects.exists() and not fresh(faq["q1"]).categories.exists()


def test_a_general_entry_may_list_any_category(faq, world):
    admin = faq["people"]["admin"]
    entry = editing.create_faq_entry(
        actor=admin, service=None, title="g", categories=[world["categories"]["elsewhere"]]
    )
    assert entry.categories.get() == world["categories"]["elsewhere"]


@pytest.mark.parametrize(
    ("target", "position", "apogee", "snw"),
    [
        ("q3", editing.AFTER, ["q2", "q3", "q1"], ["snw"]),
        ("q3", editing.BEFORE, ["q2", "q1", "q3"], ["snw"]),
        ("snw", editing.BEFORE, ["q2", "q3"], ["q1", "snw"]),
        ("snw_section", editing.LAST_CHILD, ["q2", "q3"], ["snw", "q1"]),
        ("snw_section", editing.FIRST_CHILD, ["q2", "q3"], ["q1", "snw"]),
    ],
)
def test_move_before_after_and_into_a_section(faq, target, position, apogee, snw):
    targets = {"q3": faq["q3"], "snw": faq["snw_q"], "snw_section": faq["snw"]}
    moved = editing.move_faq_entry(
        faq["q1"], actor=faq["people"]["in_charge"], target=targets[target], position=position
    )
    assert titles_under(faq["apogee"]) == apogee
    assert titles_under(faq["snw"]) == snw
    change = only_change()
    assert (change.kind, change.entry_id) == ("moved", moved.pk)
    assert change.details["from"] == {"parent": "Apogée", "position": 1}
    assert change.details["to"]["parent"] == ("Apogée" if target == "q3" else "SNW")


def test_move_to_the_top_of_the_faq(faq):
    editing.move_faq_entry(faq["q2"], actor=faq["people"]["admin"], target=faq["apogee"], position=editing.BEFORE)
    tops = FaqEntry.objects.get_root_nodes().filter(service=faq["service"])
    assert [entry.title for entry in tops] == ["q2", "Apogée", "SNW", "top"]
    assert only_change().details == {"from": {"parent": "Apogée", "position": 2}, "to": {"parent": None, "position": 1}}


def test_move_up_and_down_among_siblings(faq):
    sophie = faq["people"]["in_charge"]
    editing.shift_faq_entry(faq["q2"], actor=sophie, direction=editing.UP)
    assert titles_under(faq["apogee"]) == ["q2", "q1", "q3"]
    editing.shift_faq_entry(faq["q1"], actor=sophie, direction=editing.DOWN)
    assert titles_under(faq["apogee"]) == ["q2", "q3", "q1"]
    with pytest.raises(ValidationError):
        editing.shift_faq_entry(faq["q1"], actor=sophie, direction=editing.DOWN)
    with pytest.raises(ValidationError):
        editing.shift_faq_entry(faq["q2"], actor=sophie, direction=editing.UP)
    assert FaqChange.objects.filter(kind="moved").count() == 2


def test_top_level_moves_stay_among_the_faqs_own_entries(faq):
    # "top" is the last of Scolarité's top level, though Paie's entry comes after it among all roots.
    with pytest.raises(ValidationError):
        editing.shift_faq_entry(faq["top"], actor=faq["people"]["admin"], direction=editing.DOWN)
    editing.shift_faq_entry(faq["top"], actor=faq["people"]["admin"], direction=editing.UP)
    tops = FaqEntry.objects.get_root_nodes().filter(service=faq["service"])
    assert [entry.title for entry in tops] == ["Apogée", "top", "SNW"]


def test_move_into_its_own_subtree_or_another_faq_is_refused(faq):
    admin = faq["people"]["admin"]
    for target, position in [
        (faq["q1"], editing.AFTER),
        (faq["apogee"], editing.LAST_CHILD),
        (faq["paie"], editing.AFTER),
        (faq["top"], editing.LAST_CHILD),  # not a section
    ]:
        with pytest.raises(ValidationError):
            editing.move_faq_entry(
                faq["apogee"] if target != faq["top"] else faq["q1"], actor=admin, target=target, position=position
            )
    assert not FaqChange.objects.exists()
    assert titles_under(faq["apogee"]) == ["q1", "q2", "q3"]


def test_hide_and_show(faq):
    sophie = faq["people"]["in_charge"]
    editing.set_faq_entry_hidden(faq["apogee"], actor=sophie, hidden=True)
    editing.set_faq_entry_hidden(faq["apogee"], actor=sophie, hidden=True)  # already hidden: nothing more
    assert fresh(faq["apogee"]).hidden
    editing.set_faq_entry_hidden(faq["apogee"], actor=sophie, hidden=False)
    assert not fresh(faq["apogee"]).hidden
    assert list(FaqChange.objects.order_by("pk").values_list("kind", flat=True)) == ["hidden", "shown"]


def test_delete_takes_what_the_entry_holds_and_keeps_the_history(faq, settings, django_capture_on_commit_callbacks):
    sophie = faq["people"]["in_charge"]
    editing.add_faq_files(faq["q1"], [text_file()], actor=sophie)
    assert len(stored_names(settings)) == 1
    editing.update_faq_entry(
        faq["q2"], actor=sophie, title="q2 bis", answer="", scope="everyone", is_section=False, categories=[]
    )
    with django_capture_on_commit_callbacks(execute=True):
        editing.delete_faq_entry(faq["apogee"], actor=sophie)
    assert not FaqEntry.objects.filter(title__in=["Apogée", "q1", "q2 bis", "q3"]).exists()
    assert not FaqFile.objects.exists() and stored_names(settings) == []
    deleted = FaqChange.objects.get(kind="deleted")
    assert (deleted.entry, deleted.service, deleted.title) == (None, faq["service"], "Apogée")
    assert deleted.details == {"held": ["q1", "q2 bis", "q3"]}
    # The older lines stay too, without their entry.
    assert FaqChange.objects.filter(entry=None).count() == 3
    lines = with_sentences(changes_of_faq(faq["service"].pk))
    assert lines[0].sentence.startswith("Sophie Lambert a supprimé l'entrée et ce qu'elle contenait")


def test_files_are_stored_under_a_token_and_their_history_says_their_names(faq, settings):
    sophie = faq["people"]["in_charge"]
    (stored,) = editing.add_faq_files(faq["q1"], [png("Écran <b>.png")], actor=sophie)
    assert stored.name == "Écran <b>.png"
    assert len(stored.token) == 32 and stored.file.name.endswith(stored.token)
    assert stored_names(settings) == [stored.token]
    assert only_change().details == {"name": "Écran <b>.png"}
    assert add_thumbnail_to(FaqFile, stored.pk)
    assert fresh(faq["q1"]).files.get().thumbnail.name.startswith(f"thumbnails/{stored.token}")
    editing.remove_faq_file(faq["q1"], stored, actor=sophie)
    assert FaqChange.objects.filter(kind="file_removed", details={"name": "Écran <b>.png"}).exists()


def test_a_refused_file_stores_nothing(faq, settings):
    sophie = faq["people"]["in_charge"]
    with pytest.raises(ValidationError):
        editing.add_faq_files(
            faq["q1"], [text_file(), SimpleUploadedFile("page.html", b"<html><script>")], actor=sophie
        )
    assert stored_names(settings) == [] and not FaqFile.objects.exists() and not FaqChange.objects.exists()


def test_an_entry_holds_a_limited_number_of_files(faq):
    sophie = faq["people"]["in_charge"]
    editing.add_faq_files(faq["q1"], [text_file(f"f{n}.txt") for n in range(MAX_FILES_PER_ENTRY)], actor=sophie)
    with pytest.raises(ValidationError, match="au plus"):
        check_faq_files(faq["q1"], [text_file()])
    with pytest.raises(ValidationError):
        editing.add_faq_files(faq["q1"], [text_file()], actor=sophie)
    assert FaqFile.objects.count() == MAX_FILES_PER_ENTRY
