"""Writes of the ticket domain that are not status changes: ``personal`` (bookmarks, follows, views) and
``deposit`` (a new ticket with its files). Every status change goes through ``tickets.workflow``."""
