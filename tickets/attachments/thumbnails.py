"""Thumbnails of attached images: small, upright, without the original's metadata.

Drawing one decodes the whole image (hundreds of megabytes for the largest accepted), so it is never done
in a request: ``add_thumbnail`` runs in a Celery worker (``tickets.attachments.tasks``) once the
attachment is committed, and the ticket page links the file until its thumbnail is there.
"""

import io
import logging
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps

from tickets.attachments.checks import _PILLOW_FORMATS, HEAD_SIZE, IMAGE_TYPES, sniff_content_type
from tickets.models import Attachment
from tickets.models.attachments import THUMBNAIL_BOX

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = THUMBNAIL_BOX


def make_thumbnail(file):
    """Returns a PNG thumbnail (JPEG for a JPEG photo) of an image, at most 200×200, turned upright, named
    "thumbnail-<width>x<height>.png" (or .jpg).

    Returns None when the file is not an accepted image, is larger than ``settings.MAX_IMAGE_PIXELS``
    or cannot be read: a file without a thumbnail is still a good attachment. Raises nothing. The thumbnail
    carries none of the original's metadata (EXIF, GPS position). ``file`` is left at its start.
    """
    file.seek(0)
    content_type = sniff_content_type(file.read(HEAD_SIZE), file)
    if content_type not in IMAGE_TYPES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[_PILLOW_FORMATS[content_type]]) as image:
                if image.width * image.height > settings.MAX_IMAGE_PIXELS:
                    return None
                # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size: much less memory for a big photo.
                image.draft("RGB", (THUMBNAIL_SIZE[0] * 2, THUMBNAIL_SIZE[1] * 2))
                return _encode_thumbnail(ImageOps.exif_transpose(image), as_jpeg=content_type == "image/jpeg")
    # A thumbnail is a convenience: whatever goes wrong, the upload goes on without one.
    except Exception:
        logger.warning("No thumbnail for %s", getattr(file, "name", "?"), exc_info=True)
        return None
    finally:
        file.seek(0)


def _encode_thumbnail(image, *, as_jpeg):
    transparent = not as_jpeg and (image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info)
    # Converted before shrinking: a palette image would otherwise be resized without smoothing.
    image = image.convert("RGBA" if transparent else "RGB")
    image.thumbnail(THUMBNAIL_SIZE)
    output = io.BytesIO()
    # The name carries the size, which the pages give the browser (width and height) without opening the file.
    size = f"{image.width}x{image.height}"
    if as_jpeg:
        image.save(output, format="JPEG", quality=85, optimize=True)
        return ContentFile(output.getvalue(), name=f"thumbnail-{size}.jpg")
    image.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name=f"thumbnail-{size}.png")


def add_thumbnail(attachment_id):
    """Draws the thumbnail of the attachment ``attachment_id`` and saves it (see ``add_thumbnail_to``)."""
    return add_thumbnail_to(Attachment, attachment_id)


def add_thumbnail_to(model, pk):
    """Draws the thumbnail of the stored file ``pk`` of ``model`` (an ``Attachment`` or a ``FaqFile``: a
    ``file``, a ``thumbnail``, a ``token`` and a ``content_type``) and saves it, if it is an image without one.

    Returns whether a thumbnail was saved: not when the row or its file is gone, the file is not an image
    that can be drawn, or another worker saved one first. Raises nothing but database errors.
    """
    stored = model.objects.filter(pk=pk).first()
    if stored is None or stored.thumbnail or stored.content_type not in IMAGE_TYPES:
        return False
    try:
        with stored.file.open("rb") as file:
            thumbnail = make_thumbnail(file)
    except OSError:
        logger.warning("No thumbnail for %s %s: its file cannot be read", model.__name__, pk, exc_info=True)
        return False
    if thumbnail is None:
        return False
    with transaction.atomic():
        # Locked, so that two workers handed the same file (a task sent twice) keep one thumbnail.
        stored = model.objects.select_for_update().filter(pk=pk).first()
        if stored is None or stored.thumbnail:
            return False
        name = PurePath(thumbnail.name)
        size = name.stem.removeprefix("thumbnail")
        stored.thumbnail.save(f"{stored.token}{size}{name.suffix}", thumbnail, save=False)
        try:
            stored.save(update_fields=["thumbnail"])
        except BaseException:
            stored.thumbnail.storage.delete(stored.thumbnail.name)
            raise
    return True
