"""The JSON API at /api/v1: load -> service -> dump."""

from journal.api import (
    addresses,
    answers,
    auth,
    checkins,
    devicekeys,
    docs,
    entries,
    goals,
    links,
    me,
    packets,
    recovery,
    repairs,
    shares,
    tasks,
    therapist,
    twofactor,
)
from journal.api.blueprint import bp

__all__ = [
    "addresses",
    "answers",
    "auth",
    "bp",
    "checkins",
    "devicekeys",
    "docs",
    "entries",
    "goals",
    "links",
    "me",
    "packets",
    "recovery",
    "repairs",
    "shares",
    "tasks",
    "therapist",
    "twofactor",
]
