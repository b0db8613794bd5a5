"""Writes of the ticket domain that are not status changes: ``personal`` (bookmarks, follows, views),
``deposit`` (a new ticket with its files) and ``files`` (an action with the files attached to its entry).
Every status change goes through ``tickets.workflow``."""
