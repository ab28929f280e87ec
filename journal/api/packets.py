"""API: therapy sessions on a link's calendar, the client's packet and the therapist's digest."""

from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.schemas.packets import (
    PacketInputSchema,
    PacketSchema,
    SessionCreateSchema,
    SessionListArgsSchema,
    SessionPageSchema,
    SessionSchema,
    SessionUpdateSchema,
)
from journal.schemas.therapist import DigestSchema
from journal.services import appointments, links, packets
from journal.services.pagination import Page

CLIENT, THERAPIST = "client", "therapist"
EITHER = (CLIENT, THERAPIST)
OVER = (409, "session_over: the session has ended; its packet is archived")


@bp.get("/links/<link_id>/sessions")
@role_required(*EITHER)
@documented(
    "Sessions on a link: upcoming, soonest first; ?past=1 for past ones, latest first",
    query=SessionListArgsSchema,
    ok=(200, SessionPageSchema),
    errors=[403, 422],
    tag="sessions",
)
def list_sessions(link_id: str):
    """List a link's upcoming (or past) sessions."""
    past = load_args(SessionListArgsSchema())["past"]
    link = links.own_link(current_user, link_id)
    found = appointments.past(link) if past else appointments.upcoming(link)
    return dump_page(SessionSchema(), Page(found, None))


@bp.post("/links/<link_id>/sessions")
@role_required(*EITHER)
@documented(
    "Put a session on the calendar (either side)",
    body=SessionCreateSchema,
    ok=(201, SessionSchema),
    errors=[403, 422],
    tag="sessions",
)
def create_session(link_id: str):
    """Schedule a session on a link."""
    data = load_json(SessionCreateSchema())
    session = appointments.schedule(
        current_user, link_id, data["starts_at"], data["duration_minutes"]
    )
    return SessionSchema().dump(session), 201


@bp.patch("/sessions/<session_id>")
@role_required(*EITHER)
@documented(
    "Move a session; shares until its end move with it",
    body=SessionUpdateSchema,
    ok=(200, SessionSchema),
    errors=[403, 422],
    tag="sessions",
)
def update_session(session_id: str):
    """Reschedule a session (what is not sent stays as it was)."""
    data = load_json(SessionUpdateSchema())
    session, _ = appointments.own_session(current_user, session_id)
    starts_at = data.get("starts_at", session.starts_at)
    duration = data.get("duration_minutes", session.duration_minutes)
    session = appointments.reschedule(current_user, session_id, starts_at, duration)
    return SessionSchema().dump(session)


@bp.delete("/sessions/<session_id>")
@role_required(*EITHER)
@documented("Take a session off the calendar", ok=(204, None), errors=[403], tag="sessions")
def delete_session(session_id: str):
    """Cancel a session and its packet."""
    appointments.cancel(current_user, session_id)
    return "", 204


@bp.get("/sessions/<session_id>/packet")
@role_required(*EITHER)
@documented(
    "A session's packet: the client's own (Packet), or the therapist's digest (Digest)",
    ok=(200, {"anyOf": [PacketSchema, DigestSchema]}),
    errors=[403],
    tag="sessions",
)
def get_packet(session_id: str):
    """Show the client their packet, or the therapist the digest (which is logged as a read)."""
    if current_user.role == THERAPIST:
        return DigestSchema().dump(packets.digest(current_user, session_id))
    return PacketSchema().dump(packets.for_client(current_user, session_id))


@bp.put("/sessions/<session_id>/packet")
@role_required(CLIENT)
@documented(
    "Prepare my packet: an agenda note, entries then check-ins in order (unshared get shared)",
    body=PacketInputSchema,
    ok=(200, PacketSchema),
    errors=[403, OVER, 422],
    tag="sessions",
)
def prepare_packet(session_id: str):
    """Set the agenda note and the entries and check-ins to talk about."""
    data = load_json(PacketInputSchema())
    view = packets.prepare(
        current_user, session_id, data["agenda"], data["entry_ids"], data["checkin_ids"]
    )
    return PacketSchema().dump(view)
