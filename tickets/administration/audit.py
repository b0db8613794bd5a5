"""The audit log of administration changes: one row per change, written in the change's transaction."""

from tickets.models import AdminChange


def changed_fields(before, after):
    """``{field: [before, after]}`` for the fields whose values differ between two dicts of plain values."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def record_admin_change(*, actor, service, kind, target, details=None):
    """Writes one line of the audit log: ``kind`` is dotted ("category.moved"), ``target`` names what changed
    as it was named then, ``details`` holds plain JSON values (``changed_fields`` for an edit)."""
    return AdminChange.objects.create(
        actor=actor, service=service, kind=kind, target=str(target)[:300], details=details or {}
    )
