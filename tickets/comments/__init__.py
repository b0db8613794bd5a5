"""Comments: the history entries of tickets. ``scopes`` says who reads which; ``history`` reads them.

The entries themselves are written by ``tickets.workflow`` only, one per action, and never edited.
"""
