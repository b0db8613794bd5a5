"""Thumbnails of attached images: small, upright, without the original's metadata."""

import io
import logging
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from tickets.attachments.checks import _PILLOW_FORMATS, HEAD_SIZE, IMAGE_TYPES, sniff_content_type

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = (200, 200)


def make_thumbnail(file):
    """Returns a PNG thumbnail (JPEG for a JPEG photo) of an image, at most 200×200, turned upright.

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
    if as_jpeg:
        image.save(output, format="JPEG", quality=85, optimize=True)
        return ContentFile(output.getvalue(), name="thumbnail.jpg")
    image.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name="thumbnail.png")
