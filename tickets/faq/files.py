"""Files of FAQ entries: checked like a ticket's, stored under a random token, deleted after the commit
that removes them.

An image's thumbnail is drawn by a worker (``tickets.faq.tasks``) once the file is committed: decoding
the largest accepted image takes hundreds of megabytes, which a request should not hold, and the entry's
pages link the file until its thumbnail is there, as a ticket's do.
"""

import secrets
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tickets.attachments.checks import QUOTED_NAME, clean_filename, validate_upload
from tickets.attachments.storage import save_file_and_row
from tickets.faq.tasks import queue_faq_thumbnail
from tickets.models import FaqFile

# An entry's answer is read by many: a few illustrations and documents, not an archive.
MAX_FILES_PER_ENTRY = 10
MAX_ENTRY_FILES_SIZE = 30 * 1024 * 1024

MESSAGE_TOO_MANY = ngettext_lazy(
    "Le fichier %(names)s n'a pas été ajouté : une entrée de FAQ a au plus %(limit)s fichiers.",
    "Les fichiers %(names)s n'ont pas été ajoutés : une entrée de FAQ a au plus %(limit)s fichiers.",
    "count",
)
MESSAGE_FULL = _(
    "Le fichier « %(name)s » ne peut pas être ajouté : les fichiers de cette entrée occupent déjà %(used)s "
    "et la limite est de %(limit)s par entrée."
)


def _usage(entry):
    if entry is None or entry.pk is None:
        return {"total": 0, "count": 0}
    return FaqFile.objects.filter(entry=entry).aggregate(total=Coalesce(Sum("size"), 0), count=Count("pk"))


def check_faq_files(entry, uploaded_files, *, removed=()):
    """Checks files about to be added to ``entry`` (None: an entry not yet saved), ``removed`` being files of
    it about to go. Returns nothing; raises ``ValidationError`` with one message per refused file (the
    number of files, the entry's total size, or ``validate_upload``'s reasons). Nothing is written."""
    usage = _usage(entry)
    count = usage["count"] - len(removed)
    total = usage["total"] - sum(file.size for file in removed)
    errors = []
    over = [file.name for index, file in enumerate(uploaded_files) if count + index >= MAX_FILES_PER_ENTRY]
    for file in uploaded_files:
        if file.name in over:
            continue
        try:
            info = validate_upload(file)
        except ValidationError as error:
            errors.append(error)
            continue
        if total + info.size > MAX_ENTRY_FILES_SIZE:
            errors.append(_full(info.name, total))
            continue
        total += info.size
    if over:
        errors.append(_too_many(over))
    if errors:
        raise ValidationError(errors)


def _too_many(names):
    quoted = [QUOTED_NAME % {"name": clean_filename(name)} for name in names]
    return ValidationError(
        MESSAGE_TOO_MANY,
        code="too_many_files",
        params={"count": len(quoted), "names": ", ".join(quoted), "limit": MAX_FILES_PER_ENTRY},
    )


def _full(name, used):
    return ValidationError(
        MESSAGE_FULL,
        code="entry_full",
        params={"name": name, "used": filesizeformat(used), "limit": filesizeformat(MAX_ENTRY_FILES_SIZE)},
    )


def store_faq_file(entry, uploaded_file, *, uploaded_by):
    """Checks a file, stores it and returns the new ``FaqFile`` of ``entry``.

    Saved under a random token, never under the name it came with. Raises ``ValidationError`` (see
    ``check_faq_files``), and then nothing is written. If the row cannot be saved, the file just written is
    deleted and the database error is raised. An image's thumbnail is queued once the transaction commits.
    """
    usage = _usage(entry)
    if usage["count"] >= MAX_FILES_PER_ENTRY:
        raise _too_many([uploaded_file.name])
    info = validate_upload(uploaded_file)
    if usage["total"] + info.size > MAX_ENTRY_FILES_SIZE:
        raise _full(info.name, usage["total"])
    stored = FaqFile(
        entry=entry,
        uploaded_by=uploaded_by,
        token=secrets.token_hex(16),
        name=info.name,
        content_type=info.content_type,
        size=info.size,
    )
    save_file_and_row(stored, uploaded_file)
    if info.is_image:
        transaction.on_commit(partial(queue_faq_thumbnail, stored.pk), robust=True)
    return stored
