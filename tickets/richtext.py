"""Rich text of descriptions and comments: what is kept of the HTML a user types, and its text version.

Whatever reaches the database or a page goes through ``sanitize_html``: an allow-list applied by nh3
(the Rust ammonia sanitizer), which re-serialises the fragment, so what a browser parses is what was checked.
"""

import html
import re

import nh3
from django.utils.html import escape

MAX_INPUT_LENGTH = 100_000

ALLOWED_TAGS = frozenset(
    # div: the rich-text editor (Trix) writes its paragraphs as divs.
    {"p", "div", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "a", "code", "pre", "blockquote"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Their text is code, not prose: keeping it would show a script's body as if the user had written it.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})
LINK_REL = "noopener noreferrer nofollow"

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    # A relative link ("//evil.example", "/administration/…") would escape the scheme allow-list.
    url_relative="deny",
)
_text_cleaner = nh3.Cleaner(tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT))

_PARAGRAPH_SPLIT = re.compile(r"\n[ \t]*\n\s*")
_PRE = re.compile(r"(<pre>.*?</pre>)", re.DOTALL)
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_LINE_BREAK = re.compile(r"<br>")
_LIST_ITEM = re.compile(r"<li>")
_BLOCK = re.compile(r"</?(?:p|div|ul|ol|pre|blockquote)>")
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]*>")
# Stand-ins for the line breaks and spaces of preformatted text while the rest of the text is collapsed.
_PRE_NEWLINE, _PRE_SPACE = "\ue000", "\ue001"


def sanitize_html(text: str | None) -> str:
    """The HTML of ``text`` reduced to the formatting the editor offers; everything else is dropped."""
    if not text:
        return ""
    return _cleaner.clean(str(text)[:MAX_INPUT_LENGTH])


def plain_to_html(text: str | None) -> str:
    """Plain text (a mail, a form sent without the editor) as HTML paragraphs, every character escaped."""
    if not text:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = (escape(part).replace("\n", "<br>") for part in _PARAGRAPH_SPLIT.split(text))
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs if paragraph.strip())


def _link_as_text(match: re.Match) -> str:
    href, label = html.unescape(match.group(1)), match.group(2)
    label_text = html.unescape(_TAG.sub("", label)).strip()
    # A mail reader cannot click the label: the address must be in the text, but once is enough.
    if not href or href in {label_text, f"mailto:{label_text}"}:
        return label
    return f"{label} ({escape(href)})"


def _collapse(segment: str) -> str:
    if segment.startswith("<pre>"):
        return segment.replace("\n", _PRE_NEWLINE).replace(" ", _PRE_SPACE)
    return _WHITESPACE.sub(" ", segment)


def html_to_text(value: str | None) -> str:
    """Readable text of rich text, for mails and search: no tags, entities decoded, paragraphs kept."""
    if not value:
        return ""
    # The sanitizer's output is regular serialised HTML, which the patterns below can rely on.
    cleaned = "".join(_collapse(segment) for segment in _PRE.split(sanitize_html(value)))
    cleaned = _LINK.sub(_link_as_text, cleaned)
    cleaned = _LIST_ITEM.sub("\n- ", cleaned)
    cleaned = _LINE_BREAK.sub("\n", cleaned)
    cleaned = _BLOCK.sub("\n\n", cleaned)
    text = html.unescape(_text_cleaner.clean(cleaned)).replace("\xa0", " ")
    lines = (line.strip(" ").replace(_PRE_NEWLINE, "\n").replace(_PRE_SPACE, " ") for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
