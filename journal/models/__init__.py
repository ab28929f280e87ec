"""The data model; import models from here."""

from journal.models.answers import Answer
from journal.models.audit import AuditEvent
from journal.models.checkins import SCALES, Checkin
from journal.models.devices import DeviceKey
from journal.models.entries import KINDS, Entry
from journal.models.sessions import PacketItem, TherapySession
from journal.models.sharing import Invite, Link, Share
from journal.models.types import new_id, utcnow
from journal.models.users import ROLES, DeviceSession, User

__all__ = [
    "KINDS",
    "ROLES",
    "SCALES",
    "Answer",
    "AuditEvent",
    "Checkin",
    "DeviceKey",
    "DeviceSession",
    "Entry",
    "Invite",
    "Link",
    "PacketItem",
    "Share",
    "TherapySession",
    "User",
    "new_id",
    "utcnow",
]
