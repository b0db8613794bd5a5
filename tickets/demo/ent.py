"""A minimal demo ENT on its own port: a page with an "Assistance" tab that frames the portal's portlet and a
badge that polls its counter, as a university's ENT (uPortal/ESUP…) does. Started and stopped with the demo,
beside the demo CAS server; the browser tests start their own. Not for production.

The page logs in to the CAS server itself (its own "Se connecter" link, a ticket validated by serviceValidate),
so that the portlet, opened afterwards, finds the person's CAS session and logs them in without a click.
"""

import html
import re
import threading
import urllib.request
from http import cookies
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

USER_COOKIE = "demo_ent_user"
CAS_USER = re.compile(r"<cas:user>([^<]+)</cas:user>")

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>{title} – ENT de démonstration</title>
  <link rel="stylesheet" href="/ent.css">
</head>
<body data-counter="{counter_url}">
  <header>
    <p class="ent-brand">ENT de démonstration</p>
    <p class="ent-who">{who}</p>
  </header>
  <nav aria-label="Onglets de l'ENT">
    <ul>
      <li><a href="/"{home_current}>Accueil</a></li>
      <li><a href="/?onglet=assistance"{assistance_current}>Assistance <span class="ent-badge" id="badge"
        aria-live="polite"></span></a></li>
    </ul>
  </nav>
  <main>
    {main}
  </main>
  <script src="/ent.js" defer></script>
</body>
</html>
"""

HOME = """<h1>Accueil</h1>
<p>Cette page tient lieu de l'ENT de l'université. Son onglet « Assistance » affiche le portail d'assistance
dans un cadre ; connecté ici, on l'est là-bas sans cliquer.</p>"""

ASSISTANCE = """<h1 class="visually-hidden">Assistance</h1>
<iframe src="{portlet_url}" title="Assistance" class="ent-frame"></iframe>"""

STYLE = """body { font-family: sans-serif; margin: 0; background: #eef1f4; color: #1b1b1b; }
header { display: flex; justify-content: space-between; background: #20364a; color: #fff; padding: .5rem 1rem; }
header a { color: #fff; }
nav ul { list-style: none; display: flex; gap: .25rem; margin: 0; padding: .5rem 1rem 0; }
nav a { display: block; padding: .5rem 1rem; background: #d6dde4; color: #1b1b1b; text-decoration: none; }
nav a[aria-current] { background: #fff; font-weight: 700; }
main { background: #fff; margin: 0 1rem 1rem; padding: 1rem; }
.ent-badge:not(:empty) { background: #b5121b; color: #fff; border-radius: 1rem; padding: 0 .45rem; }
.ent-frame { width: 100%; height: 75vh; border: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
"""

SCRIPT = """// The badge of the Assistance tab: the portal's counter, read with the person's cookies (CORS).
(function () {
  var badge = document.getElementById("badge");
  var url = document.body.getAttribute("data-counter");
  function refresh() {
    fetch(url, {credentials: "include"}).then(function (answer) { return answer.json(); }).then(function (data) {
      badge.textContent = data.authenticated && data.open ? String(data.open) : "";
      badge.title = data.authenticated ? data.awaiting_approval + " en attente de votre approbation, "
        + data.unread + " non lu(s)" : "";
    }).catch(function () { badge.textContent = ""; });
  }
  refresh();
  setInterval(refresh, 60000);
  // Each page opened in the tab may change the numbers (a login, a deposit, an approval).
  var frame = document.querySelector("iframe");
  if (frame) { frame.addEventListener("load", refresh); }
})();
"""


class DemoENTServer:
    """The demo ENT on ``host``:``port``, framing ``portal_url``'s portlet; a context manager that stops it."""

    def __init__(self, port, *, portal_url, cas_url, host="127.0.0.1"):
        self.host, self.port = host, port
        self.portal_url = portal_url.rstrip("/")
        self.cas_url = cas_url if cas_url.endswith("/") else f"{cas_url}/"
        self.server = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/"

    @property
    def origin(self):
        return self.url.rstrip("/")

    def start(self):
        ent = self

        class Handler(EntPage):
            config = ent

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        threading.Thread(target=self.server.serve_forever, name="demo-ent", daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


class EntPage(BaseHTTPRequestHandler):
    config = None  # the DemoENTServer, set on the subclass

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if parts.path == "/ent.css":
            return self.answer(STYLE, "text/css")
        if parts.path == "/ent.js":
            return self.answer(SCRIPT, "text/javascript")
        if parts.path == "/connexion":
            return self.redirect(f"{self.config.cas_url}login?{urlencode({'service': self.service_url()})}")
        if parts.path == "/deconnexion":
            return self.redirect(f"{self.config.cas_url}logout?{urlencode({'service': self.config.url})}", user="")
        if parts.path != "/":
            return self.answer("Not found", "text/plain", status=404)
        if "ticket" in query:
            return self.redirect("/", user=self.validate(query["ticket"]))
        return self.answer(self.page(query.get("onglet") == "assistance"), "text/html")

    def service_url(self):
        return self.config.url

    def validate(self, ticket):
        """The ENT's own CAS login: the login the CAS server vouches for, or "" for a ticket it refuses."""
        url = f"{self.config.cas_url}serviceValidate?{urlencode({'service': self.service_url(), 'ticket': ticket})}"
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310
                found = CAS_USER.search(answer.read().decode())
        except OSError:
            return ""
        return found[1].strip() if found else ""

    def page(self, assistance):
        jar = cookies.SimpleCookie(self.headers.get("Cookie", ""))
        user = unquote(jar[USER_COOKIE].value) if USER_COOKIE in jar else ""
        if user:
            who = f'Connecté : {html.escape(user)} · <a href="/deconnexion">Se déconnecter</a>'
        else:
            who = '<a href="/connexion">Se connecter à l\'ENT</a>'
        portlet_url = f"{self.config.portal_url}/ent/"
        return PAGE.format(
            title="Assistance" if assistance else "Accueil",
            counter_url=html.escape(f"{self.config.portal_url}/ent/compteur/"),
            who=who,
            home_current="" if assistance else ' aria-current="page"',
            assistance_current=' aria-current="page"' if assistance else "",
            main=ASSISTANCE.format(portlet_url=html.escape(portlet_url)) if assistance else HOME,
        )

    def answer(self, body, content_type, status=200):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, location, *, user=None):
        self.send_response(302)
        self.send_header("Location", location)
        if user is not None:
            self.send_header("Set-Cookie", f"{USER_COOKIE}={quote(user)}; Path=/; HttpOnly; SameSite=Lax")
        self.send_header("Content-Length", "0")
        self.end_headers()


def start_for_demo(stdout, *, portal_url):
    """Starts the demo ENT for the demo command, and lets it frame the portal unless ASSISTANCE_ENT_ORIGINS
    names other origins; returns it, or None when its port is taken."""
    from django.conf import settings

    server = DemoENTServer(settings.ENT_DEMO_PORT, portal_url=portal_url, cas_url=settings.CAS_SERVER_URL)
    try:
        server.start()
    except OSError as error:
        stdout.write(f"The demo ENT is unavailable: {error}")
        return None
    if not settings.ENT_ORIGINS:
        settings.ENT_ORIGINS = [server.origin]
    stdout.write(f"A demo ENT with an Assistance tab framing the portal runs on {server.url}")
    return server
