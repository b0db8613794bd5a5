"""Comments: the history entries of tickets. ``scopes`` says who reads which; ``history`` reads them;
``phrases`` says what each one tells.

The entries themselves are written by ``tickets.workflow`` only, one per action, and never edited.
"""
