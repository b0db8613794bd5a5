"""The text of a received mail: HTML read as text, and a reply cut from what it quotes.

Quoted text, attribution lines ("Le 12 janv. 2027 à 10:00, Assistance a écrit :", "De : … Envoyé : …")
and signatures are recognised by mail-parser-reply, in French and English; the portal's own line
("##- … -##", see ``tickets.notifications.replies``) is cut first, whatever the language of the mail.
"""

import re
from html.parser import HTMLParser

from mailparser_reply import EmailMessage

from tickets.notifications.replies import REPLY_LINE

LANGUAGES = ["fr", "en"]
# What is read of a mail's text: more than a history entry keeps (``richtext.MAX_INPUT_LENGTH``), and little
# enough that the patterns below stay quick on whatever a sender writes.
MAX_TEXT = 200_000
# What a mail client writes above the text it quotes, when it is left at the end of the reply (a long
# attribution wrapped on two lines escapes the library, which reads lines one by one).
_ATTRIBUTION = re.compile(r"^\s*(?:Le|On|El|Am)\s.*(?:a écrit|wrote|escribió|schrieb)\s*:\s*$", re.IGNORECASE)
_ATTRIBUTION_LENGTH = 500
# An HTML part is read this far: its text is then more than the reply keeps.
MAX_HTML = 2_000_000
# Deeper quotes are shown at this depth: "> " repeated thousands of times on every line would take ages.
MAX_QUOTE_DEPTH = 20
_SIGNATURE = re.compile(r"^-- ?$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"\s+")


def reply_text(text):
    """What a person wrote in a reply: the text above the portal's line, without the quoted mail,
    the attribution line and the signature. Empty when they wrote nothing."""
    text = _normalise(text)
    marker = REPLY_LINE.search(text)
    if marker:
        text = text[: marker.start()]
    parsed = EmailMessage(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    text = parsed.replies[0].body if parsed.replies else text
    # The library leaves what it did not recognise; what ends the reply is still the quoted mail.
    return _BLANK_LINES.sub("\n\n", "\n".join(_without_quoted_tail(text.split("\n")))).strip()


def _without_quoted_tail(lines):
    """The lines without the quoted lines, blank lines and attribution lines that end them."""
    lines = list(lines)
    while lines:
        if not lines[-1].strip() or lines[-1].lstrip().startswith(">"):
            lines.pop()
            continue
        for count in (1, 2):
            tail = " ".join(lines[-count:])
            if len(tail) <= _ATTRIBUTION_LENGTH and _ATTRIBUTION.match(tail):
                del lines[-count:]
                break
        else:
            return lines
    return lines


def message_text(text):
    """The text of a new message (a mail to a service), whole but for its signature: a forwarded mail
    is the point of the message, not a quote to cut."""
    text = _normalise(text)
    signature = _SIGNATURE.search(text)
    if signature:
        text = text[: signature.start()]
    return _BLANK_LINES.sub("\n\n", text).strip()


def _normalise(text):
    return (text or "")[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")


# HTML mails.

_BLOCKS = frozenset(
    {"p", "div", "br", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "dd", "dt"}
)
_SKIPPED = frozenset({"head", "style", "script", "title", "template"})


class _TextOfHTML(HTMLParser):
    """Text of an HTML mail: blocks on lines of their own, quoted parts (blockquote) prefixed with "> " as
    a plain-text client would quote them, links followed by their address."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = [[]]
        self.depth = 0
        self.skipping = 0
        self.href = None
        self.label = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "blockquote":
            self._break()
            self.depth += 1
        elif tag in _BLOCKS:
            self._break()
        elif tag == "a":
            self.href, self.label = dict(attrs).get("href") or None, []

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self._break()
            self.depth = max(0, self.depth - 1)
        elif tag in _BLOCKS and tag != "br":
            self._break()
        elif tag == "a" and self.href:
            # A reader of the text cannot click the label: the address follows it, once.
            if self.href.startswith(("http://", "https://")) and self.href not in "".join(self.label):
                self._write(f" ({self.href})")
            self.href = None

    def handle_data(self, data):
        if not self.skipping:
            self._write(_SPACES.sub(" ", data))
            if self.href:
                self.label.append(data)

    def _write(self, text):
        line = self.lines[-1]
        if not line:
            text = text.lstrip()
            if not text:
                return
            line.append("> " * min(self.depth, MAX_QUOTE_DEPTH))
        line.append(text)

    def _break(self):
        self.lines.append([])

    def text(self):
        lines = ("".join(parts).rstrip() for parts in self.lines)
        return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_text(html):
    """The text of an HTML mail part, quoting kept as "> " lines."""
    parser = _TextOfHTML()
    parser.feed((html or "")[:MAX_HTML])
    parser.close()
    return parser.text()
