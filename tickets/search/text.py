"""Words of a query and of indexed text, the same way on every database engine.

PostgreSQL stems with its "french_unaccent" configuration; SQLite (the demo) uses ``normalize`` here: lower
case, no accents, a crude French stemmer (plurals, a few suffixes), so that "Connexions à Apogée" and
"connexion apogee" give the same words.
"""

import re
import unicodedata

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
# Words too common to tell tickets apart (PostgreSQL's French configuration drops them too).
STOP_WORDS = frozenset(
    {
        *("a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "elle", "en", "est", "et", "il"),
        *("je", "l", "la", "le", "les", "leur", "lui", "m", "ma", "mais", "me", "mes", "moi", "mon", "n", "ne"),
        *("nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sur"),
        *("t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous"),
    }
)
_SUFFIXES = ("ements", "ement", "ations", "ation", "euses", "euse", "eurs", "eur", "ees", "ee", "es", "er", "ez", "e")


def unaccent(value):
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def stem(word):
    """The crude French stem of an accent-free, lower-case word."""
    if len(word) > 4 and word[-1] in "sx":
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text):
    """The words of ``text``, as they appear (for highlighting)."""
    return _WORD.findall(text or "")


def normalize_word(word):
    return stem(unaccent(word))


def normalize(text):
    """The normalised words of ``text``, between spaces: " connexion apog impossibl "."""
    found = [normalize_word(word) for word in words(unaccent(text or "").replace("_", " "))]
    return " " + " ".join(word for word in found if word) + " "


def clean_query(raw):
    """The query as typed, made safe: no NUL nor control characters, at most ``MAX_QUERY_CHARS``."""
    cleaned = "".join(char if char.isprintable() else " " for char in str(raw or "")[: MAX_QUERY_CHARS * 4])
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > MAX_QUERY_CHARS:
        # Cut between words: half a word would look for something else.
        cleaned = cleaned[: MAX_QUERY_CHARS + 1].rsplit(" ", 1)[0]
    return cleaned[:MAX_QUERY_CHARS]


def variants(term):
    """The term and its singular or plural: French stemming keeps "connexion" but cuts "connexions" to
    "connex", so a query looks for both forms."""
    if len(term) > 3 and term[-1] in "sx":
        return [term, term[:-1]]
    return [term, term + "s"]


def query_terms(query):
    """The words a query looks for: letters and digits only (operators and quotes are just separators),
    stop words dropped, at most ``MAX_TERMS``."""
    found = []
    for word in words(unaccent(query).replace("_", " ")):
        if word in STOP_WORDS or word in found:
            continue
        found.append(word)
    return found[:MAX_TERMS]


def ticket_number(query):
    """The ticket number a query is, when it is one ("255228", "n°255228", "#255228"), else None."""
    found = re.fullmatch(r"(?:n°|no|#)?\s*(\d{1,12})", query.strip().lower())
    return int(found[1]) if found and int(found[1]) < 2**63 else None


MARK_START, MARK_END = "\ue000", "\ue001"


def marked_html(text):
    """HTML of ``text`` whose marked words (between ``MARK_START`` and ``MARK_END``) are in ``<mark>``:
    everything else escaped."""
    from django.utils.html import escape

    return escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def mark_words(text, stems, *, prefix=False, window=None):
    """``text`` with the words whose normalised form is one of ``stems`` marked (or starts with the last
    one, with ``prefix``); with ``window``, only about that many words around the first match."""
    text = (text or "").replace(MARK_START, "").replace(MARK_END, "")
    stems = [stem for stem in stems if stem]
    tokens = re.split(r"(\w+)", text)
    first = None
    for index in range(1, len(tokens), 2):
        found = normalize_word(tokens[index])
        if found in stems or (prefix and stems and found.startswith(stems[-1])):
            tokens[index] = MARK_START + tokens[index] + MARK_END
            first = index if first is None else first
    if window is None:
        return "".join(tokens)
    start = max(0, (first or 0) - window)
    piece = "".join(tokens[start : start + 2 * window + 1]).strip()
    return " ".join(piece.split())
