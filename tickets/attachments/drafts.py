"""The files of a form kept between its tries: a deposit's, or an action's of the ticket page.

A file accepted on a try whose form had an error is kept as a draft (in the uploads folder, listed in
the person's session under the form's key), so that nobody has to choose it again; drafts become the
ticket's files when the form succeeds, and the hourly cleanup deletes those of forms left unfinished.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.attachments.checks import too_many_files, validate_upload

SESSION_KEY = "deposit_drafts"
DRAFTS_FOLDER = "drafts"

MESSAGE_LOST = _("Le fichier « %(name)s » n'est plus disponible : veuillez le choisir à nouveau.")


@dataclass(frozen=True)
class Draft:
    token: str
    name: str
    size: int
    path: str

    def open(self):
        """The stored file, under the name it came with; close it after use. Raises ``ValidationError``
        (code "lost", message naming the file) if the file is gone, deleted by the hourly cleanup."""
        try:
            return File(default_storage.open(self.path, "rb"), name=self.name)
        except FileNotFoundError:
            raise self.lost() from None

    def is_stored(self):
        return default_storage.exists(self.path)

    def lost(self):
        """The error that tells the person this file must be chosen again."""
        return ValidationError(MESSAGE_LOST, code="lost", params={"name": self.name})


class DraftFiles:
    """The drafts of one person's form, listed in ``session`` (any mapping kept between their requests)
    under ``key``: each form has its own, so that sending one never drops the drafts of another."""

    def __init__(self, session, user_id, *, key=SESSION_KEY):
        self.session = session
        self.user_id = user_id
        self.key = key

    def _stored(self):
        return self.session.get(self.key, {})

    def kept(self, tokens):
        """The drafts the form still lists (their ``tokens``), in that order; unknown tokens are ignored and a
        token listed twice gives one draft, so that a forged form cannot attach one file several times."""
        stored = self._stored()
        return [Draft(token=token, **stored[token]) for token in dict.fromkeys(tokens) if token in stored]

    def update(self, tokens, uploads, *, ticket_files=(0, 0)):
        """What the form's files are after a post that lists the drafts ``tokens`` and sends ``uploads``.

        Drafts of the form the post no longer lists were removed by the person: their files are deleted.
        Listed drafts whose file is gone are dropped, each with a message asking to choose it again. Then
        the uploads are added (see ``add``; ``ticket_files`` is the number and size of the files the ticket
        already has). Returns (drafts, error messages).
        """
        kept, lost = self.still_stored(self.kept(tokens))
        listed = {draft.token for draft in kept}
        self.forget([Draft(token=token, **info) for token, info in self._stored().items() if token not in listed])
        drafts, errors = self.add(uploads, kept, ticket_files=ticket_files)
        return drafts, lost + errors

    def still_stored(self, drafts):
        """Splits ``drafts`` into those whose file is still stored and messages naming the others, which
        are taken off the list. Returns (drafts, error messages)."""
        stored = [draft for draft in drafts if draft.is_stored()]
        lost = [draft for draft in drafts if draft not in stored]
        self.forget(lost)
        return stored, [message for draft in lost for message in draft.lost().messages]

    def add(self, uploads, kept, *, ticket_files=(0, 0)):
        """Checks each new upload; accepted ones become drafts after ``kept``. Returns (drafts, error messages).

        The space the person's drafts already take counts in full, whichever session or form lists them:
        so nobody fills the disk by failing a form again and again, in one session or in many. So do the
        ticket's own files (``ticket_files``: their number and size). Uploads past
        ``settings.MAX_FILES_PER_TICKET`` files are refused without being read, so that what one request
        costs to check stays bounded.
        """
        ticket_count, ticket_size = ticket_files
        drafts, errors = list(kept), []
        room = max(settings.MAX_FILES_PER_TICKET - ticket_count - len(drafts), 0)
        uploads, extra = list(uploads[:room]), uploads[room:]
        total = self._space_used() + ticket_size
        stored = self._stored()
        for upload in uploads:
            try:
                info = validate_upload(upload, ticket_total=total)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            token = secrets.token_hex(16)
            upload.seek(0)
            path = default_storage.save(f"{self._folder}/{token}", upload)
            stored[token] = {"name": info.name, "size": info.size, "path": path}
            drafts.append(Draft(token=token, name=info.name, size=info.size, path=path))
            total += info.size
        if extra:
            errors.extend(too_many_files([upload.name for upload in extra]).messages)
        self._keep(stored)
        return drafts, errors

    @property
    def _folder(self):
        return f"{DRAFTS_FOLDER}/{self.user_id}"

    def _space_used(self):
        """The size in bytes of every draft file stored for the person."""
        if not default_storage.exists(self._folder):
            return 0
        _subfolders, names = default_storage.listdir(self._folder)
        total = 0
        for name in names:
            try:
                total += default_storage.size(f"{self._folder}/{name}")
            # Deleted meanwhile, by the hourly cleanup or another request: it takes no space any more.
            except FileNotFoundError:
                continue
        return total

    def forget(self, drafts):
        """Deletes the drafts' files and takes them off the list."""
        stored = self._stored()
        for draft in drafts:
            stored.pop(draft.token, None)
            default_storage.delete(draft.path)
        self._keep(stored)

    def _keep(self, stored):
        # A form that never had a draft writes nothing into the session: posting a comment adds no key.
        if stored or self.key in self.session:
            self.session[self.key] = stored


def forget_abandoned_drafts(*, older_than):
    """Deletes the draft files of deposits left unfinished for longer than ``older_than`` (a timedelta).
    Returns how many were deleted. The sessions that still list one simply find it gone."""
    limit = timezone.now() - older_than
    deleted = 0
    if not default_storage.exists(DRAFTS_FOLDER):
        return 0
    folders, _files = default_storage.listdir(DRAFTS_FOLDER)
    for folder in folders:
        _subfolders, files = default_storage.listdir(f"{DRAFTS_FOLDER}/{folder}")
        for name in files:
            path = f"{DRAFTS_FOLDER}/{folder}/{name}"
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                deleted += 1
    return deleted
