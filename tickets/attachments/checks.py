"""Which files are accepted, and how they are checked.

A file's type is read from its bytes, never from its name nor from the type the browser sent: a page
named "photo.png" is refused. Markup (HTML, SVG, XML) is never accepted, so that no attached file can
run a script in the portal's origin, even if a browser ignored the headers that serving sends.
"""

import codecs
import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from PIL import Image

ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
OFFICE_TYPES = (ODT, ODS, ODP, DOCX, XLSX, PPTX)
ACCEPTED_TYPES = [*IMAGE_TYPES, "application/pdf", "text/plain", *OFFICE_TYPES]

DEFAULT_NAME = "fichier"
MAX_NAME_LENGTH = 255  # Attachment.name's max_length

# Enough for every signature below and for spotting markup at the start of a text file.
HEAD_SIZE = 4096
_CHUNK_SIZE = 64 * 1024
# What may be read of a zip member to learn the document's type: these members are a few hundred bytes,
# and reading no more than this keeps a zip bomb from unpacking.
_ZIP_MEMBER_LIMIT = 64 * 1024

_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]
_PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
# The main part an OOXML package declares in [Content_Types].xml; macro-enabled and template variants
# declare other parts and are therefore refused.
_OOXML_MAIN_PARTS = [
    (b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", DOCX),
    (b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", XLSX),
    (b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", PPTX),
]
# C0 control characters do not occur in text; tab, line feed, form feed, carriage return and escape
# (colour codes of logs) do.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
# "Latin-1" text comes from Windows, whose Latin-1 is windows-1252 (browsers read it so too):
# these five bytes are the only ones it leaves undefined.
_WINDOWS_1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# Browsers that sniff despite "nosniff" look for these tags near the start of a file.
_MARKUP_TAGS = re.compile(rb"<(?:!doctype|html|head|body|script|style|svg|iframe|object|embed|\?xml)[\s/>]")
# Characters that would let a name lie about itself ("exe.png" written right to left) or break a header.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}

MESSAGE_EMPTY = _("Le fichier « %(name)s » est vide.")
MESSAGE_TOO_LARGE = _("Le fichier « %(name)s » pèse %(size)s : la taille maximale d'un fichier est de %(limit)s.")
MESSAGE_TICKET_FULL = _(
    "Le fichier « %(name)s » ne peut pas être ajouté : les fichiers de ce ticket occupent déjà %(used)s "
    "et la limite est de %(limit)s par ticket."
)
MESSAGE_TOO_MANY_FILES = ngettext_lazy(
    "Le fichier %(names)s n'a pas été ajouté : le nombre de fichiers d'un ticket est limité à %(limit)s.",
    "Les fichiers %(names)s n'ont pas été ajoutés : le nombre de fichiers d'un ticket est limité à %(limit)s.",
    "count",
)
QUOTED_NAME = _("« %(name)s »")
MESSAGE_TYPE = _(
    "Le fichier « %(name)s » n'est pas d'un type accepté "
    "(images PNG, JPEG, GIF, WebP, PDF, texte, documents bureautiques)."
)
MESSAGE_CORRUPT_IMAGE = _("L'image « %(name)s » est illisible ou endommagée.")
MESSAGE_IMAGE_TOO_BIG = _("L'image « %(name)s » est trop grande : elle ne doit pas dépasser %(limit)s pixels.")


@dataclass(frozen=True)
class UploadInfo:
    """What ``validate_upload`` learnt of an accepted file."""

    name: str
    content_type: str
    size: int
    is_image: bool


def clean_filename(name):
    """Returns the name to show for an uploaded file: its base name, without hidden characters, 255 at most.

    Whatever a browser or a mail client sent ("C:\\Users\\x\\écran.png", "../../etc/passwd", "") gives a
    plain name; an empty one becomes "fichier". The name is only shown and offered on download: the stored
    file is named by the attachment's token.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    # Windows browsers used to send the whole path, with either separator.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char) not in _HIDDEN_CATEGORIES).strip()
    if name.strip(".") == "":
        return DEFAULT_NAME
    if len(name) > MAX_NAME_LENGTH:
        suffix = PurePath(name).suffix
        # A long name keeps its extension, so that the downloaded file still opens with the right program.
        suffix = suffix if len(suffix) <= 16 else ""
        name = name[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return name


def sniff_content_type(head_bytes, file):
    """Returns the accepted content type that the file's bytes show, or None if it is not an accepted type.

    ``head_bytes`` are the first bytes of ``file`` (``HEAD_SIZE`` of them, or the whole file if shorter).
    Office documents and text need more than the head: ``file`` is then read again from its start, and
    left at its start. Zip archives are only looked into, never extracted.
    """
    for signature, content_type in _SIGNATURES:
        if head_bytes.startswith(signature):
            return content_type
    if head_bytes[:4] == b"RIFF" and head_bytes[8:12] == b"WEBP":
        return "image/webp"
    if head_bytes.startswith(b"PK\x03\x04"):
        return _sniff_office_document(file)
    if _is_plain_text(head_bytes, file):
        return "text/plain"
    return None


def _sniff_office_document(file):
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = _read_zip_member(archive, "mimetype").strip().decode("ascii", "replace")
                return declared if declared in (ODT, ODS, ODP) else None
            if "[Content_Types].xml" in names:
                declared = _read_zip_member(archive, "[Content_Types].xml")
                for main_part, content_type in _OOXML_MAIN_PARTS:
                    if main_part in declared:
                        return content_type
    # A damaged, encrypted or oddly compressed archive is simply not an accepted document.
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        return None
    finally:
        file.seek(0)
    return None


def _read_zip_member(archive, name):
    with archive.open(name) as member:
        # read(n) inflates no more than n bytes, whatever size the archive claims.
        return member.read(_ZIP_MEMBER_LIMIT)


def _is_plain_text(head_bytes, file):
    start = head_bytes.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith(b"<") or _MARKUP_TAGS.search(start):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    windows_1252 = True
    file.seek(0)
    try:
        while chunk := file.read(_CHUNK_SIZE):
            if _CONTROL_BYTES.search(chunk):
                return False
            windows_1252 = windows_1252 and not _WINDOWS_1252_UNDEFINED.search(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if not (utf8 or windows_1252):
                return False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
        return utf8 or windows_1252
    finally:
        file.seek(0)


def too_many_files(names):
    """The error refusing the files ``names`` (as they came) because a ticket has at most
    ``settings.MAX_FILES_PER_TICKET`` files: one message naming them all, code "too_many_files"."""
    quoted = [QUOTED_NAME % {"name": clean_filename(name)} for name in names]
    return ValidationError(
        MESSAGE_TOO_MANY_FILES,
        code="too_many_files",
        params={"count": len(quoted), "names": ", ".join(quoted), "limit": settings.MAX_FILES_PER_TICKET},
    )


def validate_upload(uploaded_file, *, ticket_total=0, ticket_count=0):
    """Checks a file before it is attached to a ticket and returns its ``UploadInfo``.

    ``ticket_total`` is the size in bytes of the files the ticket already has, ``ticket_count`` their
    number. The file is read, then left at its start; nothing is written. Raises ``ValidationError`` with a
    message naming the file and a code: "too_many_files" (the ticket has ``settings.MAX_FILES_PER_TICKET``
    files already), "empty", "too_large" (over ``settings.MAX_FILE_SIZE``), "ticket_full" (the ticket's
    files would exceed ``settings.MAX_TICKET_FILES_SIZE``), "type" (not one of ``ACCEPTED_TYPES`` by its
    content), "corrupt_image" (Pillow cannot read it) or "image_too_big" (over ``settings.MAX_IMAGE_PIXELS``
    pixels).
    """
    if ticket_count >= settings.MAX_FILES_PER_TICKET:
        raise too_many_files([uploaded_file.name])
    name = clean_filename(uploaded_file.name)
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError(MESSAGE_EMPTY, code="empty", params={"name": name})
    if size > settings.MAX_FILE_SIZE:
        raise ValidationError(
            MESSAGE_TOO_LARGE,
            code="too_large",
            params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(settings.MAX_FILE_SIZE)},
        )
    if ticket_total + size > settings.MAX_TICKET_FILES_SIZE:
        raise ValidationError(
            MESSAGE_TICKET_FULL,
            code="ticket_full",
            params={
                "name": name,
                "used": filesizeformat(ticket_total),
                "limit": filesizeformat(settings.MAX_TICKET_FILES_SIZE),
            },
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_SIZE)
    uploaded_file.seek(0)
    content_type = sniff_content_type(head, uploaded_file)
    if content_type is None:
        raise ValidationError(MESSAGE_TYPE, code="type", params={"name": name})
    is_image = content_type in IMAGE_TYPES
    if is_image:
        _check_image(uploaded_file, content_type, name)
    return UploadInfo(name=name, content_type=content_type, size=size, is_image=is_image)


def _check_image(file, content_type, name):
    too_big = False
    file.seek(0)
    try:
        # Pillow only warns below twice its own limit: as an error, the warning stops the bomb here too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only the format the bytes announced is tried, so no other Pillow plugin parses the file.
            with Image.open(file, formats=[_PILLOW_FORMATS[content_type]]) as image:
                width, height = image.size
                # The size comes from the header: nothing has been decoded yet.
                if width * height > settings.MAX_IMAGE_PIXELS:
                    too_big = True
                else:
                    image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        too_big = True
    # Pillow raises many kinds of errors on a malformed image; any of them means the file cannot be read.
    except Exception as error:
        raise ValidationError(MESSAGE_CORRUPT_IMAGE, code="corrupt_image", params={"name": name}) from error
    finally:
        file.seek(0)
    if too_big:
        # Pillow's own limit stops the image first when the portal's is set higher.
        limit = min(settings.MAX_IMAGE_PIXELS, Image.MAX_IMAGE_PIXELS or settings.MAX_IMAGE_PIXELS)
        raise ValidationError(
            MESSAGE_IMAGE_TOO_BIG,
            code="image_too_big",
            params={"name": name, "limit": number_format(limit, force_grouping=True)},
        )
