"""Origins read from the environment (scheme://host[:port]), as the ENT's frame and CORS compare them."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def parse_origins(values, setting):
    """``values`` without their trailing slash; raises ImproperlyConfigured for a value that is not an origin."""
    origins = []
    for value in values:
        parts = urlsplit(value)
        origin = value.rstrip("/")
        if parts.scheme not in {"http", "https"} or not parts.netloc or origin != f"{parts.scheme}://{parts.netloc}":
            raise ImproperlyConfigured(f"{setting}: {value!r} is not an origin such as https://ent.univ.example")
        origins.append(origin)
    return origins
