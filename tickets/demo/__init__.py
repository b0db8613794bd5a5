"""The demo, fenced off: installed (``INSTALLED_APPS``) and routed only in the demo profile.

``data`` holds the guide's institution, services, categories and people; ``generator`` writes synthetic
tickets in bulk; ``mailbox`` shows the mails written as .eml files, with their links clickable;
``cas_server`` runs the demo's CAS server (django-cas-server). ``manage.py demo_data`` loads the data,
``manage.py rundemo`` runs it all.
"""
