"""Searching tickets and FAQ entries: the index (``index``, written in the transaction of every action),
the words of a query (``text``), and the reads (``query``, ``suggestions``), each exact about permissions."""
