"""Forms of the ticket domain: ``actions`` (the ticket page's actions, built from one table), ``deposit``
(a new ticket), ``preferences`` (the Préférences page) and the ``fields`` they share. Forms only shape
what was typed: rights and statuses are the workflow's to decide."""
