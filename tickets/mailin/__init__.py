"""Mail in: replies to the portal's mails become history entries, mail to a service's address opens tickets.

The parts, each in its module: ``parse`` (a message's sender, addresses, text and files), ``text`` (HTML
read as text, a reply cut from what it quotes), ``route`` (which ticket or service, or why not; reads
only), ``answers`` (what the sender is told, through the outbox), ``process`` (one message, in one
transaction, once), ``transport`` (the IMAP mailbox, the MTA's pipe) and ``tasks`` (beat's poll).
"""
