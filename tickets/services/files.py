"""Files attached to a history entry in the transaction of the action that wrote it."""

from django.db import transaction

from tickets.attachments.storage import delete_stored_files, store_attachment


def act_with_files(act, *, actor, drafts=()):
    """Runs ``act()``, an action of ``tickets.workflow`` (or the creation of a ticket) returning the ticket
    with the entry it wrote (``recorded_entry``), and attaches the ``drafts``
    (``tickets.attachments.drafts.Draft``) to that entry, with its scope, in one transaction. Returns the
    ticket.

    Raises what ``act`` raises, and ``ValidationError`` for a draft whose file is gone or no longer passes
    the checks (the ticket's count and size count the files it got meanwhile); nothing is written then,
    and the drafts stay as they were.
    """
    if not drafts:
        # The action is one transaction of its own: wrapping it again would only add a savepoint.
        return act()
    attached = []
    try:
        with transaction.atomic():
            ticket = act()
            entry = ticket.recorded_entry
            for draft in drafts:
                with draft.open() as file:
                    attached.append(store_attachment(ticket, file, uploaded_by=actor, scope=entry.scope, event=entry))
    except BaseException:
        # The rows are rolled back, but the copies of the files already attached are not.
        for attachment in attached:
            delete_stored_files(attachment)
        raise
    return ticket
