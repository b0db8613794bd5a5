"""The files of an action's form between its tries, and their attachment to the action's entry."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tickets.attachments.drafts import DraftFiles
from tickets.models import Attachment
from tickets.services.files import act_with_files

NO_FILE = _("Choisissez au moins un fichier.")


class FormFiles:
    """The files one person's form of ``action`` on ``ticket`` holds: ``drafts``, kept in ``session``
    (``tickets.attachments.drafts``) under a key of their own, so that two forms never drop each other's."""

    def __init__(self, session, *, user, ticket, action, required=False):
        self.drafts_of = DraftFiles(session, user.pk, key=f"ticket_drafts:{ticket.pk}:{action}")
        self.user, self.ticket, self.required = user, ticket, required
        self.drafts = []
        self.errors = None

    def keep(self, tokens, uploads):
        """Keeps the ``uploads`` as drafts beside the drafts still listed (their ``tokens``), checked as at
        deposit, the ticket's own files counting too; once. Returns the messages of the files refused, or
        of a form that needs a file and has none."""
        if self.errors is None:
            # Only new files are checked against the ticket's: a form without any reads nothing.
            ticket_files = self._ticket_files() if uploads else (0, 0)
            self.drafts, self.errors = self.drafts_of.update(tokens, uploads, ticket_files=ticket_files)
            if self.required and not self.drafts and not self.errors:
                self.errors = [NO_FILE]
        return self.errors

    def _ticket_files(self):
        used = Attachment.objects.filter(ticket=self.ticket).aggregate(count=Count("pk"), size=Coalesce(Sum("size"), 0))
        return used["count"], used["size"]

    def act(self, act):
        """Runs ``act()`` (a workflow action) and attaches the drafts to its entry, in one transaction (see
        ``tickets.services.files.act_with_files``); returns the ticket.

        Raises what ``act`` raises, and ``ValidationError`` when a draft is gone or refused now (the ticket
        got files meanwhile), with the messages to show; the drafts still stored are kept for the next try.
        """
        try:
            return act_with_files(act, actor=self.user, drafts=self.drafts)
        except ValidationError as error:
            self.drafts, lost = self.drafts_of.still_stored(self.drafts)
            raise ValidationError(list(dict.fromkeys([*lost, *error.messages]))) from error

    def forget(self):
        """Takes the drafts off the person's list, once they are the ticket's files."""
        self.drafts_of.forget(self.drafts)
