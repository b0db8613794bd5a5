"""The options of the portal's PostgreSQL sessions."""

import re

from django.core.exceptions import ImproperlyConfigured


def session_options(work_mem):
    """The ``options`` of a connection: no JIT compilation, which pays off for long reports, not for a page's
    queries (a search for a common word was estimated costly enough to be compiled, for 10 ms that saved
    none); and ``work_mem``, the memory of a sort or a bitmap. PostgreSQL's default, 4 MB, is for small
    machines: past it a search's bitmaps of a word's rows and of a service's turn lossy, and whole pages of
    rows are read again (150 ms instead of 60). And no parallel workers: a page's query is short, and starting
    workers cost a search 5 ms where its index read took 0.1 (the web server's cores serve other requests
    meanwhile). Raises ImproperlyConfigured for a size it cannot read."""
    if not re.fullmatch(r"\d+(kB|MB|GB)", work_mem):
        raise ImproperlyConfigured("ASSISTANCE_DATABASE_WORK_MEM takes a size such as 16MB.")
    return f"-c jit=off -c work_mem={work_mem} -c max_parallel_workers_per_gather=0"
