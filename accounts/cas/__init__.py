"""ENT login: the university's CAS server as a django-allauth provider, on python-cas.

The way in: ``views.login`` sends the person to CAS with a one-time state kept in their session
(``pending``), CAS sends them back to ``views.callback`` with a service ticket, the callback checks
that this browser started that login, python-cas validates the ticket (``client``),
``services.sync_user`` creates or updates the user from the CAS attributes, and allauth logs them
in. The way out: the portal's logout also ends the CAS session (``adapter``), and the CAS server's
single-logout request, posted to the same callback, ends the portal session that its ticket opened.
"""
