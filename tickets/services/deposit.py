"""Filing a new ticket with the files chosen on the deposit form."""

from tickets import workflow
from tickets.services.files import act_with_files


def file_ticket(*, actor, category, drafts=(), **fields):
    """Creates the ticket (``workflow.create_ticket`` with ``fields``) and attaches the ``drafts``
    (``tickets.attachments.drafts.Draft``) to its first entry, in one transaction. Returns the ticket.

    Raises ``WorkflowError`` as ``create_ticket`` does, and ``ValidationError`` for a draft whose file is
    gone or no longer passes the checks; nothing is written then, and the drafts stay as they were.
    """
    return act_with_files(
        lambda: workflow.create_ticket(actor=actor, category=category, **fields), actor=actor, drafts=drafts
    )
