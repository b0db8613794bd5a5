"""The CAS protocol, through python-cas: login and logout URLs, ticket validation, single-logout requests."""

import hashlib
import logging
from dataclasses import dataclass, field
from functools import partial
from xml.etree import ElementTree

import requests
from cas import CASClient
from django.conf import settings
from lxml import etree

logger = logging.getLogger(__name__)

CAS_NAMESPACE = "http://www.yale.edu/tp/cas"
SAML_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"

# What CAS servers say about the login itself rather than about the person: not worth keeping.
LOGIN_ATTRIBUTES = frozenset(
    {
        "authenticationDate",
        "authenticationMethod",
        "credentialType",
        "isFromNewLogin",
        "longTermAuthenticationRequestTokenUsed",
        "samlAuthenticationStatementAuthMethod",
        "successfulAuthenticationHandlers",
    }
)


class CASError(Exception):
    """A CAS login that cannot go on; ``reason`` is one of the constants below."""

    INVALID_TICKET = "invalid_ticket"
    UNREACHABLE = "unreachable"
    BAD_RESPONSE = "bad_response"

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CASIdentity:
    """Who the CAS server says the person is: their login and the attributes it released."""

    username: str
    attributes: dict = field(default_factory=dict)


def server_url():
    # python-cas joins "login", "p3/serviceValidate"… onto this URL: without its final slash,
    # https://cas.univ.example/cas would lose its "cas".
    url = settings.CAS_SERVER_URL
    return url if url.endswith("/") else f"{url}/"


def make_client(service_url=None, **options):
    session = requests.Session()
    # python-cas sets no timeout: a CAS server that hangs would hang every login with it.
    session.request = partial(session.request, timeout=settings.CAS_TIMEOUT)
    return CASClient(
        version=settings.CAS_VERSION, service_url=service_url, server_url=server_url(), session=session, **options
    )


def login_url(service_url):
    """The CAS server's login page, which sends the person back to ``service_url`` with a ticket."""
    return make_client(service_url).get_login_url()


def gateway_url(service_url):
    """The CAS server's login in gateway mode: it sends the person back to ``service_url`` at once, with a
    ticket when they are logged in to the ENT, without one otherwise; it never shows its login form."""
    return make_client(service_url, extra_login_params={"gateway": "true"}).get_login_url()


def reachable(timeout=1.0):
    """Whether the CAS server's login page answers within ``timeout`` seconds (any HTTP answer counts)."""
    try:
        requests.head(f"{server_url()}login", timeout=timeout, allow_redirects=False)
    except requests.RequestException as error:
        logger.warning("CAS server %s unreachable for the gateway: %s", server_url(), error)
        return False
    return True


def logout_url(return_url):
    """The CAS server's logout, which then sends the person to ``return_url``."""
    return make_client().get_logout_url(return_url)


def safe_parser():
    """An XML parser that loads no DTD, expands no entity and reaches no network."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


def validate_ticket(ticket, service_url):
    """Asks the CAS server who the ticket belongs to; returns a ``CASIdentity``.

    ``service_url`` must be the very URL the ticket was issued for. Raises ``CASError`` when the
    ticket is not valid (unknown, expired, already used, issued for another service), when the
    server cannot be reached, or when its answer is not a CAS answer.
    """
    cas_client = make_client(service_url)
    try:
        answer = cas_client.get_verification_response(ticket)
    except requests.RequestException as error:
        logger.warning("CAS server %s unreachable: %s", server_url(), error)
        raise CASError(CASError.UNREACHABLE) from error
    try:
        # python-cas would read any XML page (a proxy's error page, a 404) as a refused ticket.
        if etree.fromstring(answer, parser=safe_parser()).tag != f"{{{CAS_NAMESPACE}}}serviceResponse":
            raise ValueError("not a CAS serviceResponse")
        username, attributes, _ = cas_client.verify_response(answer)
    except (etree.XMLSyntaxError, ElementTree.ParseError, IndexError, AttributeError, ValueError) as error:
        logger.warning("CAS server %s answered something that is not CAS: %r", server_url(), error)
        raise CASError(CASError.BAD_RESPONSE) from error
    if not username:
        logger.info("CAS ticket refused by %s", server_url())
        raise CASError(CASError.INVALID_TICKET)
    kept = {name: value for name, value in (attributes or {}).items() if name not in LOGIN_ATTRIBUTES}
    return CASIdentity(username=username, attributes=kept)


def ticket_from_logout_request(logout_request):
    """The service ticket that a CAS single-logout request names, or None when it is not one.

    Anyone can post to the callback: python-cas's own parser, which resolves entities, is not used.
    """
    try:
        root = etree.fromstring(logout_request.encode(), parser=safe_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root.tag != f"{{{SAML_PROTOCOL}}}LogoutRequest":
        return None
    index = root.find(f"{{{SAML_PROTOCOL}}}SessionIndex")
    ticket = (index.text or "").strip() if index is not None else ""
    return ticket or None


def ticket_digest(ticket):
    """What the portal keeps of a ticket: enough to recognise it in a single-logout request."""
    return hashlib.sha256(ticket.encode()).hexdigest()
