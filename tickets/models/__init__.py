"""The ticket domain's data, one module per part: services and their managers, categories, tickets and
the people linked to them, history entries (comments), attachments, mail, the FAQ, the statistics'
pre-computed figures, and what managers set up for their service (visibility rules, saved responses, the
audit log of administration changes).

Only ``tickets.workflow`` changes a ticket's status, service, manager or owner.
"""

from tickets.models.administration import AdminChange, RuleEffect, RuleTest, SavedResponse, VisibilityRule
from tickets.models.attachments import Attachment, attachment_path
from tickets.models.categories import Category
from tickets.models.choices import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    EntryScope,
    Monitoring,
    Origin,
    Priority,
    Status,
    TicketScope,
)
from tickets.models.comments import Event
from tickets.models.faq import SCOPE_RANK, FaqChange, FaqChangeKind, FaqEntry, FaqFile, FaqScope, FaqVote
from tickets.models.incoming import IncomingMail, IncomingStatus
from tickets.models.mail import ActionLink, MailPreferences, MailStatus, OutgoingMail
from tickets.models.satisfaction import SATISFACTION_COMMENT_MAX_LENGTH, Satisfaction
from tickets.models.search import SearchDocument
from tickets.models.services import AssignmentMode, Membership, Service
from tickets.models.statistics import StatisticsCount, StatisticsDelay, StatisticsSubject
from tickets.models.tickets import (
    DASHBOARD_OPEN_STATUSES,
    STATUS_ORDER,
    Bookmark,
    Follower,
    Invitation,
    Ticket,
    TicketUserLink,
    View,
)

__all__ = [
    "DASHBOARD_OPEN_STATUSES",
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "SATISFACTION_COMMENT_MAX_LENGTH",
    "SCOPE_RANK",
    "STATUS_ORDER",
    "ActionLink",
    "AdminChange",
    "AssignmentMode",
    "Attachment",
    "Bookmark",
    "Category",
    "EntryScope",
    "Event",
    "FaqChange",
    "FaqChangeKind",
    "FaqEntry",
    "FaqFile",
    "FaqScope",
    "FaqVote",
    "Follower",
    "IncomingMail",
    "IncomingStatus",
    "Invitation",
    "MailPreferences",
    "MailStatus",
    "Membership",
    "Monitoring",
    "Origin",
    "OutgoingMail",
    "Priority",
    "RuleEffect",
    "RuleTest",
    "Satisfaction",
    "SavedResponse",
    "SearchDocument",
    "Service",
    "StatisticsCount",
    "StatisticsDelay",
    "StatisticsSubject",
    "Status",
    "Ticket",
    "TicketScope",
    "TicketUserLink",
    "View",
    "VisibilityRule",
    "attachment_path",
]
