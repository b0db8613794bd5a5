"""Well-known XSS payloads, and a checker that says whether a piece of HTML could run script.

The checker parses with Python's ``html.parser``, not a browser engine: it is a second opinion on what the
sanitiser and the templates produce, deliberately stricter than needed (it refuses whole families of tags
and every ``data:`` URL) so that a doubtful output fails rather than passes.
"""

import html
import json
import re
import unicodedata
from html.parser import HTMLParser

PAYLOADS = [
    # Script elements, plain and disguised.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script/xss src="http://xss.example/x.js"></script>',
    "<script\x00>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
    '<img/src="x"/onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    '<img """><script>alert(1)</script>">',
    "<svg onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)></select>",
    "<textarea autofocus onfocus=alert(1)></textarea>",
    "<marquee onstart=alert(1)>XSS</marquee>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<xss onpointerover=alert(1) style=display:block>XSS</xss>",
    '<a href="https://ok.example" onclick="alert(1)">lien</a>',
    '<a href="mailto:x@univ.example" onmouseover=alert(1)>écrire</a>',
    # Script URLs, with the obfuscations browsers forgive.
    "<IMG SRC=javascript:alert('XSS')>",
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="JaVaScRiPt:alert(1)">clic</a>',
    '<a href="jav&#x09;ascript:alert(1)">clic</a>',
    '<a href="jav&#x0A;ascript:alert(1)">clic</a>',
    '<a href="java&Tab;script:alert(1)">clic</a>',
    '<a href="java&NewLine;script:alert(1)">clic</a>',
    '<a href=" &#14;  javascript:alert(1)">clic</a>',
    '<a href="&#x01;javascript:alert(1)">clic</a>',
    '<a href="java\x00script:alert(1)">clic</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">clic</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&colon;alert(1)">clic</a>',
    "<a href=javascript&colon;alert&lpar;1&rpar;>clic</a>",
    '<a href="javas&#99;ript:alert(1)">clic</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">clic</a>',
    '<a href="vbscript:msgbox(1)">clic</a>',
    '<a href="VBScript:MsgBox(1)">clic</a>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    '<blockquote cite="javascript:alert(1)">cité</blockquote>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    # Frames, plug-ins and elements that change the whole page.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<object type="text/x-scriptlet" data="http://xss.example/x.sct"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">X</button>',
    # Style.
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<div style="width: expression(alert(1));">x</div>',
    '<p style="background-image:url(javascript:alert(1))">x</p>',
    # Breaking out of an attribute or a text context.
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    # Mutation XSS: markup that a parser re-serialises into something else.
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;'
    'onerror=alert(1)&gt;">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    # Escapes of other languages, harmful only if some layer decodes them.
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "＜script＞alert(1)＜/script＞",
    '<img src=x onerror="\\u0061lert(1)">',
    "javascript:alert(document.cookie)",
]

FORBIDDEN_TAGS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "meta",
        "link",
        "style",
        "svg",
        "math",
        "form",
    }
)
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "srcdoc", "xlink:href", "data", "background", "poster", "cite"}
)
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
STYLE_DANGERS = ("expression(", "javascript:", "vbscript:", "-moz-binding", "behavior:")
STATIC_PREFIX = "/static/"
# The portal's own forms post to one of its paths: never "//host", never a scheme.
_LOCAL_ACTION = re.compile(r"^(/(?!/)[^\s:]*)?$")


def _squeeze(value):
    """The value as a browser reads it, and then some: no whitespace or control character, lower case.

    The parser has already decoded the entities; decoding a second time can only find more to refuse.
    """
    value = html.unescape(value or "")
    return "".join(c for c in value if not c.isspace() and unicodedata.category(c) not in {"Cc", "Cf"}).lower()


class _ScriptFinder(HTMLParser):
    def __init__(self, *, allow_static_scripts, allow_local_forms):
        super().__init__(convert_charrefs=True)
        self.allow_static_scripts = allow_static_scripts
        self.allow_local_forms = allow_local_forms
        self.problems = []
        self._static_script = None

    def handle_starttag(self, tag, attrs):
        self._check_tag(tag, dict(attrs))
        for name, value in attrs:
            self._check_attribute(tag, name, value)

    def _check_tag(self, tag, attrs):
        if tag not in FORBIDDEN_TAGS:
            return
        if tag == "script" and self.allow_static_scripts:
            if self._is_static_script(attrs):
                self._static_script = ("file", [])
                return
            if self._is_data_script(attrs):
                self._static_script = ("data", [])
                return
        if tag == "form" and self.allow_local_forms and _LOCAL_ACTION.match(attrs.get("action") or ""):
            return
        self.problems.append(f"<{tag}> element")

    @staticmethod
    def _is_static_script(attrs):
        src = attrs.get("src") or ""
        return (
            src.startswith(STATIC_PREFIX)
            and ".." not in src
            and set(attrs) <= {"src", "defer", "async", "type"}
            and attrs.get("type") in {None, "module", "text/javascript"}
        )

    @staticmethod
    def _is_data_script(attrs):
        return set(attrs) <= {"id", "type"} and attrs.get("type") == "application/json"

    def _check_attribute(self, tag, name, value):
        if name.startswith("on"):
            self.problems.append(f"event handler {name}= on <{tag}>")
        elif name in URL_ATTRIBUTES and _squeeze(value).startswith(SCRIPT_SCHEMES):
            self.problems.append(f"script URL in {name}= on <{tag}>: {value!r}")
        elif name == "style" and any(danger in _squeeze(value) for danger in STYLE_DANGERS):
            self.problems.append(f"script in style= on <{tag}>: {value!r}")

    def handle_data(self, data):
        if self._static_script:
            self._static_script[1].append(data)

    def handle_endtag(self, tag):
        if tag != "script" or not self._static_script:
            return
        kind, chunks = self._static_script
        content = "".join(chunks)
        self._static_script = None
        if kind == "file" and content.strip():
            self.problems.append(f"inline code in a static script: {content[:80]!r}")
        elif kind == "data":
            # Text that closed the block early leaves a fragment that is no longer JSON.
            try:
                json.loads(content)
            except ValueError:
                self.problems.append(f"a JSON data block that is not JSON: {content[:80]!r}")

    def close(self):
        super().close()
        if self._static_script:
            self.problems.append("an unclosed <script> element")


def find_script(markup, *, allow_static_scripts=False, allow_local_forms=False):
    """What in ``markup`` could run script; empty when nothing could."""
    finder = _ScriptFinder(allow_static_scripts=allow_static_scripts, allow_local_forms=allow_local_forms)
    finder.feed(markup)
    finder.close()
    return finder.problems


def assert_no_script(markup, *, allow_static_scripts=False, allow_local_forms=False):
    """Fails when ``markup`` holds anything that could run script.

    ``allow_static_scripts`` accepts ``<script src="/static/…">`` without inline code and JSON data blocks
    (``<script type="application/json">`` whose content is JSON), and
    ``allow_local_forms`` forms whose action is one of the site's paths: what a page of the portal
    legitimately contains, while user text must contain neither.
    """
    problems = find_script(markup, allow_static_scripts=allow_static_scripts, allow_local_forms=allow_local_forms)
    assert not problems, f"{'; '.join(problems)}\nin: {markup[:2000]!r}"
