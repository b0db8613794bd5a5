"""Attached files: what is refused, what is stored, and how files are served back."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import DatabaseError
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from PIL import Image

from tickets.attachments.checks import DOCX, ODT, XLSX, clean_filename, validate_upload
from tickets.attachments.serving import serve_attachment
from tickets.attachments.storage import store_attachment
from tickets.attachments.thumbnails import make_thumbnail
from tickets.models import Attachment, EntryScope, Ticket

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" * 8


def image_bytes(size=(300, 200), *, format="PNG", mode="RGB", color=(200, 30, 30), exif=None):
    output = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, color).save(output, format=format, **extra)
    return output.getvalue()


def png_declaring(width, height):
    """A small real PNG whose header claims another size, with a valid checksum."""
    data = bytearray(image_bytes((10, 10)))
    # Signature (8), IHDR length (4), "IHDR" (4), then width and height; the chunk's CRC follows its 13 bytes.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def office_bytes(members):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compression)
    return output.getvalue()


def content_types(main_part):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_part}"/></Types>'
    )


DOCX_BYTES = office_bytes(
    {
        "[Content_Types].xml": content_types(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        ),
        "word/document.xml": "<w:document/>",
    }
)


@pytest.fixture
def ticket(user, make_user, make_service, make_category):
    service = make_service(managers=[make_user()])
    category = make_category(service)
    return Ticket.objects.create(subject="s", description="d", owner=user, service=service, category=category)


@pytest.fixture
def thumbnails_in_process(settings):
    """Thumbnails are drawn in-process whatever broker the environment names."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def store(ticket, user, thumbnails_in_process, django_capture_on_commit_callbacks):
    """Stores a file as a committed attachment: an image's thumbnail, which a worker draws after commit, is
    drawn in-process before this returns."""

    def store(name, content):
        with django_capture_on_commit_callbacks(execute=True):
            attachment = store_attachment(
                ticket, SimpleUploadedFile(name, content), uploaded_by=user, scope=EntryScope.INVITED
            )
        attachment.refresh_from_db()
        return attachment

    return store


def stored_files(settings):
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def refuse(store, settings, name, content, code):
    """Stores a file that must be refused, checks the code and that nothing was written; returns the error."""
    with pytest.raises(ValidationError) as refused:
        store(name, content)
    assert refused.value.code == code
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []
    return refused.value


# Refused files


def test_a_file_over_the_size_limit_is_refused(store, settings):
    settings.MAX_FILE_SIZE = 1000
    refuse(store, settings, "journal.txt", b"a" * 1001, "too_large")


def test_the_size_message_names_the_file_and_the_limit(settings):
    settings.MAX_FILE_SIZE = 2 * 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("journal.txt", b"a" * (2 * 1024 * 1024 + 1)))
    message = refused.value.messages[0]
    assert "« journal.txt »" in message
    assert filesizeformat(2 * 1024 * 1024) in message


def test_a_file_that_would_overfill_the_ticket_is_refused(store, settings):
    settings.MAX_TICKET_FILES_SIZE = 3000
    store("premier.txt", b"a" * 2000)
    kept = stored_files(settings)

    with pytest.raises(ValidationError) as refused:
        store("second.txt", b"b" * 1500)

    assert refused.value.code == "ticket_full"
    assert list(Attachment.objects.values_list("name", flat=True)) == ["premier.txt"]
    assert stored_files(settings) == kept


def test_a_file_fitting_exactly_in_what_is_left_is_accepted(store, settings):
    settings.MAX_TICKET_FILES_SIZE = 3000
    store("premier.txt", b"a" * 2000)
    store("second.txt", b"b" * 1000)
    assert Attachment.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("capture.png", HTML),
        ("rapport.pdf", WINDOWS_EXECUTABLE),
        ("logo.svg", SVG),
        ("logo.png", SVG),
        ("logo.png", b"\xef\xbb\xbf  \n<svg onload='alert(1)'/>"),
        ("notes.txt", b"Bonjour,\nvoici la page :\n<html><script>alert(1)</script></html>"),
        ("archive.docx", office_bytes({"secret.txt": "rien d'un document"})),
        (
            "macro.docx",
            office_bytes(
                {"[Content_Types].xml": content_types("application/vnd.ms-word.document.macroEnabled.main+xml")}
            ),
        ),
        ("texte.txt", "Bonjour".encode("utf-16")),
        ("binaire.txt", bytes(range(256))),
    ],
)
def test_a_file_that_is_not_of_an_accepted_type_is_refused_whatever_its_name(store, settings, name, content):
    error = refuse(store, settings, name, content, "type")
    assert f"« {name} »" in error.messages[0]


def test_a_zip_bomb_is_not_inflated_to_learn_its_type(store, settings):
    padding = b" " * 20_000_000
    main_part = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    bomb = office_bytes({"[Content_Types].xml": padding + main_part})
    assert len(bomb) < 100_000
    refuse(store, settings, "bombe.docx", bomb, "type")


def test_an_empty_file_is_refused(store, settings):
    refuse(store, settings, "vide.txt", b"", "empty")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("capture.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 100),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 100),
        ("anim.gif", b"GIF89a" + b"\x00" * 5),
    ],
)
def test_a_corrupt_image_is_refused(store, settings, name, content):
    refuse(store, settings, name, content, "corrupt_image")


@pytest.mark.parametrize(
    ("width", "height", "limit"),
    [
        (20_000, 20_000, None),  # over the portal's limit, and so far over Pillow's that it refuses to open it
        (10_000, 10_000, 10**10),  # between Pillow's warning and error thresholds: the warning is an error
        (200, 200, 10_000),  # a true image over a low limit: refused from its header
    ],
)
def test_an_image_with_too_many_pixels_is_refused(store, settings, width, height, limit):
    if limit is not None:
        settings.MAX_IMAGE_PIXELS = limit
    content = image_bytes((width, height)) if width * height < 10**6 else png_declaring(width, height)
    assert len(content) < 10_000
    refuse(store, settings, "bombe.png", content, "image_too_big")


def test_a_file_past_the_number_of_files_of_a_ticket_is_refused(store, settings):
    settings.MAX_FILES_PER_TICKET = 1
    store("un.txt", b"un")
    with pytest.raises(ValidationError) as refused:
        store("deux.txt", b"deux")
    assert refused.value.code == "too_many_files"
    assert refused.value.messages == [
        "Le fichier « deux.txt » n'a pas été ajouté : le nombre de fichiers d'un ticket est limité à 1."
    ]
    assert Attachment.objects.count() == 1


# Accepted files


def test_a_screenshot_is_stored_with_a_thumbnail(store, ticket, user):
    content = image_bytes((800, 400))

    attachment = store("capture.png", content)

    attachment.refresh_from_db()
    assert attachment.ticket == ticket
    assert attachment.uploaded_by == user
    assert attachment.scope == EntryScope.INVITED
    assert (attachment.name, attachment.content_type, attachment.size) == ("capture.png", "image/png", len(content))
    assert len(attachment.token) == 32
    assert attachment.file.name.startswith("attachments/")
    assert attachment.file.name.endswith(attachment.token)
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    with attachment.thumbnail.open("rb") as stored, Image.open(stored) as thumbnail:
        assert thumbnail.format == "PNG"
        assert thumbnail.size == (200, 100)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("rapport.pdf", PDF, "application/pdf"),
        ("journal.txt", "Bonjour, l'écran affiche « erreur 42 ».\n".encode(), "text/plain"),
        ("ancien.txt", "Problème d'accès à l'ENT\r\n".encode("latin-1"), "text/plain"),
        ("windows.txt", "L’œuvre coûte 10 €\r\n".encode("cp1252"), "text/plain"),
        ("sans-extension", b"Bonjour\n", "text/plain"),
        ("courrier.docx", DOCX_BYTES, DOCX),
        (
            "tableau.xlsx",
            office_bytes(
                {
                    "[Content_Types].xml": content_types(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
                    )
                }
            ),
            XLSX,
        ),
        (
            "note.odt",
            office_bytes({"mimetype": ODT, "content.xml": "<office:document-content/>"}),
            ODT,
        ),
        ("photo.jpg", image_bytes(format="JPEG"), "image/jpeg"),
        ("anim.gif", image_bytes(format="GIF", mode="P", color=1), "image/gif"),
        ("image.webp", image_bytes(format="WEBP"), "image/webp"),
    ],
)
def test_accepted_types_are_stored_with_the_type_read_from_their_content(store, name, content, content_type):
    attachment = store(name, content)
    assert (attachment.name, attachment.content_type, attachment.size) == (name, content_type, len(content))
    assert bool(attachment.thumbnail) == content_type.startswith("image/")


def test_a_large_upload_written_to_a_temporary_file_is_stored(
    ticket, user, settings, thumbnails_in_process, django_capture_on_commit_callbacks
):
    content = image_bytes((600, 600))
    upload = TemporaryUploadedFile("grande.png", "image/png", len(content), None)
    upload.write(content)
    upload.flush()

    with django_capture_on_commit_callbacks(execute=True):
        attachment = store_attachment(ticket, upload, uploaded_by=user, scope=EntryScope.OWNER)
    attachment.refresh_from_db()

    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert attachment.thumbnail
    assert len(stored_files(settings)) == 2


def test_the_type_comes_from_the_content_not_the_name(store):
    assert store("rapport.png", PDF).content_type == "application/pdf"


def test_a_name_with_a_windows_path_keeps_only_the_file_name(store):
    attachment = store("C:\\Users\\x\\écran.png", image_bytes())
    assert attachment.name == "écran.png"
    assert "écran" not in attachment.file.name


def test_nothing_stays_on_disk_when_the_row_cannot_be_saved(store, settings, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Attachment, "save", fail)
    with pytest.raises(DatabaseError):
        store("capture.png", image_bytes())
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("C:\\Users\\x\\écran.png", "écran.png"),
        ("../../etc/passwd", "passwd"),
        ("rapport\x00\r\n.pdf", "rapport.pdf"),
        ("facture\u202egnp.exe", "facturegnp.exe"),
        ("", "fichier"),
        ("  ..  ", "fichier"),
        ("dossier/", "fichier"),
        ("e\u0301cran.png", "écran.png"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_clean_filename(sent, shown):
    assert clean_filename(sent) == shown


# Thumbnails


def test_a_thumbnail_is_turned_upright_by_the_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held on its side: the picture must be turned by 90°
    photo = image_bytes((400, 100), format="JPEG", exif=exif)

    thumbnail = make_thumbnail(ContentFile(photo, name="photo.jpg"))

    with Image.open(thumbnail) as image:
        assert image.format == "JPEG"
        assert image.size == (50, 200)
        assert not image.getexif()


def test_a_transparent_image_keeps_its_transparency_in_the_thumbnail():
    thumbnail = make_thumbnail(ContentFile(image_bytes(mode="RGBA", color=(0, 0, 0, 0)), name="logo.png"))
    with Image.open(thumbnail) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize("content", [PDF, b"Bonjour\n", b"\x89PNG\r\n\x1a\ngarbage"])
def test_there_is_no_thumbnail_for_what_is_not_a_readable_image(content):
    assert make_thumbnail(ContentFile(content, name="x")) is None


# Serving


def content_of(response):
    return b"".join(response.streaming_content)


def test_a_pdf_is_served_as_a_download(store):
    attachment = store("rapport final.pdf", PDF)

    response = serve_attachment(attachment)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="rapport final.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert content_of(response) == PDF


def test_an_image_is_served_inline(store):
    content = image_bytes()
    attachment = store("C:\\Users\\x\\écran.png", content)

    response = serve_attachment(attachment)

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert "filename*=utf-8''%C3%A9cran.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "private" in response["Cache-Control"]
    assert content_of(response) == content


def test_a_text_file_is_downloaded_not_shown(store):
    response = serve_attachment(store("notes.txt", b"Bonjour\n"))
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment")


def test_the_thumbnail_is_served_inline(store):
    attachment = store("capture.png", image_bytes((800, 400)))

    response = serve_attachment(attachment, thumbnail=True)

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    with Image.open(io.BytesIO(content_of(response))) as image:
        assert image.size == (200, 100)


def test_a_row_with_an_unexpected_type_is_served_as_an_opaque_download(store):
    attachment = store("notes.txt", b"Bonjour\n")
    attachment.content_type = "text/html"

    response = serve_attachment(attachment)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_asking_for_a_missing_thumbnail_is_not_found(store):
    with pytest.raises(Http404):
        serve_attachment(store("rapport.pdf", PDF), thumbnail=True)
