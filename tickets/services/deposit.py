"""Filing a new ticket with the files chosen on the deposit form."""

from django.db import transaction

from tickets import workflow
from tickets.attachments.storage import delete_stored_files, store_attachment
from tickets.models import EntryScope


def file_ticket(*, actor, category, drafts=(), **fields):
    """Creates the ticket (``workflow.create_ticket`` with ``fields``) and attaches the ``drafts``
    (``tickets.attachments.drafts.Draft``) to its first entry, in one transaction. Returns the ticket.

    Raises ``WorkflowError`` as ``create_ticket`` does, and ``ValidationError`` for a draft whose file is
    gone or no longer passes the checks; nothing is written then, and the drafts stay as they were.
    """
    attached = []
    try:
        with transaction.atomic():
            ticket = workflow.create_ticket(actor=actor, category=category, **fields)
            first_entry = ticket.events.get()
            for draft in drafts:
                with draft.open() as file:
                    attached.append(
                        store_attachment(ticket, file, uploaded_by=actor, scope=EntryScope.INVITED, event=first_entry)
                    )
    except BaseException:
        # The rows are rolled back, but the copies of the files already attached are not.
        for attachment in attached:
            delete_stored_files(attachment)
        raise
    return ticket
