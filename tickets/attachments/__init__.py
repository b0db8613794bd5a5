"""Attachments: the files of tickets and of their history entries.

``checks`` decides which files are accepted (by their bytes), ``thumbnails`` draws the images' small
copies (in a worker: ``tasks``), ``storage`` saves a checked file as an ``Attachment`` (and deletes the
copies of one removed), ``serving`` sends it back, and ``drafts`` keeps the files of a form (a deposit, an
action of the ticket page) between two tries.
"""
