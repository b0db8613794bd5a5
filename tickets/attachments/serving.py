"""Serving attached files back: their own type, never sniffed, sandboxed."""

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

from tickets.attachments.checks import ACCEPTED_TYPES, IMAGE_TYPES, clean_filename


def serve_attachment(attachment, *, thumbnail=False):
    """Returns a ``FileResponse`` of an attachment's file, or of its thumbnail if ``thumbnail`` is true.

    ``attachment`` is any stored file row with ``file``, ``thumbnail``, ``name`` and ``content_type``: a
    ticket's ``Attachment`` or a FAQ entry's ``FaqFile``.

    Accepted images are shown in the page (inline); every other file is downloaded (as_attachment). The
    response carries the content type found at upload, the cleaned original name, ``nosniff`` and a
    sandboxing Content-Security-Policy, and may only be kept in the user's own cache. Checks no
    permission: the caller does. Raises ``Http404`` if the thumbnail or the file is missing.
    """
    field = attachment.thumbnail if thumbnail else attachment.file
    if not field:
        raise Http404
    if thumbnail:
        content_type = "image/jpeg" if field.name.endswith(".jpg") else "image/png"
    else:
        content_type = attachment.content_type
        # A row written by other means than store_attachment is served as an opaque download.
        if content_type not in ACCEPTED_TYPES:
            content_type = "application/octet-stream"
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=content_type not in IMAGE_TYPES,
        filename=clean_filename(attachment.name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True)
    return response
