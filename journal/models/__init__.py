"""The data model; import models from here."""

from journal.models.answers import Answer
from journal.models.audit import AuditEvent
from journal.models.checkins import SCALES, Checkin
from journal.models.devices import DeviceKey
from journal.models.entries import ALL_KINDS, BRIDGE, KINDS, Entry
from journal.models.goals import (
    GOAL_STATUSES,
    MAX_ACTIVE_GOALS,
    NOT_LINKED,
    SUGGESTION_STATUSES,
    Goal,
    GoalShare,
    GoalSuggestion,
)
from journal.models.imports import IMPORT_SOURCES, Import, ImportRecord
from journal.models.mail import AccountToken, OutgoingMail, RecoveryCode
from journal.models.reminders import (
    KINDS_FOR_ROLE,
    PUSH_KINDS,
    CancelledSession,
    PushDelivery,
    PushSubscription,
)
from journal.models.repairs import LEDGER_KINDS, STATUSES, Repair
from journal.models.search import SearchSegment
from journal.models.sessions import PacketItem, TherapySession
from journal.models.sharing import Invite, Link, Share
from journal.models.tasks import TASK_STATUSES, Task
from journal.models.types import new_id, utcnow
from journal.models.users import ROLES, DeviceSession, User
from journal.models.views import TherapistView

__all__ = [
    "ALL_KINDS",
    "BRIDGE",
    "GOAL_STATUSES",
    "IMPORT_SOURCES",
    "KINDS",
    "KINDS_FOR_ROLE",
    "LEDGER_KINDS",
    "MAX_ACTIVE_GOALS",
    "NOT_LINKED",
    "PUSH_KINDS",
    "ROLES",
    "SCALES",
    "STATUSES",
    "SUGGESTION_STATUSES",
    "TASK_STATUSES",
    "AccountToken",
    "Answer",
    "AuditEvent",
    "CancelledSession",
    "Checkin",
    "DeviceKey",
    "DeviceSession",
    "Entry",
    "Goal",
    "GoalShare",
    "GoalSuggestion",
    "Import",
    "ImportRecord",
    "Invite",
    "Link",
    "OutgoingMail",
    "PacketItem",
    "PushDelivery",
    "PushSubscription",
    "RecoveryCode",
    "Repair",
    "SearchSegment",
    "Share",
    "Task",
    "TherapistView",
    "TherapySession",
    "User",
    "new_id",
    "utcnow",
]
