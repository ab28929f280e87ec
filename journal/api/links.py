"""API: invite codes, and the links between clients and therapists."""

from flask import request
from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.ratelimits import INVITE_CODE_TRIES
from journal.schemas.sharing import (
    InvitationNoteSchema,
    InviteCreatedSchema,
    InvitePageSchema,
    InvitePreviewSchema,
    InviteSchema,
    LinkListArgsSchema,
    LinkPageSchema,
    LinkSchema,
    NewInviteSchema,
    RedeemSchema,
)
from journal.services import accounts, links
from journal.services.pagination import Page

CLIENT, THERAPIST = "client", "therapist"
INVALID = (422, "invalid_invite: unknown, used, cancelled or expired code")


@bp.post("/invites")
@role_required(THERAPIST)
@documented(
    "Make an invite code (shown this once; single use, 14 days); the body is optional: a note "
    "of whom it is for, which only the therapist sees",
    body=NewInviteSchema,
    ok=(201, InviteCreatedSchema),
    errors=[403, 422],
    tag="links",
)
def create_invite():
    """Make an invite code and its join link."""
    invite, code = links.create_invite(current_user, load_json(NewInviteSchema())["note"])
    join_url = f"{request.url_root}join/{code}"
    made = {"id": invite.id, "code": code, "join_url": join_url, "expires_at": invite.expires_at}
    return InviteCreatedSchema().dump(made | {"note": invite.note}), 201


@bp.get("/invites")
@role_required(THERAPIST)
@documented(
    "My invites that can still be used (all on one page)",
    ok=(200, InvitePageSchema),
    errors=[403],
    tag="links",
)
def list_invites():
    """List the therapist's open invites."""
    return dump_page(InviteSchema(), Page(links.open_invites(current_user), None))


@bp.delete("/invites/<invite>")
@role_required(THERAPIST)
@documented("Cancel one of my open invites (by its id)", ok=(204, None), errors=[403], tag="links")
def cancel_invite(invite: str):
    """Cancel an unused invite."""
    links.cancel_invite(current_user, invite)
    return "", 204


@bp.get("/invites/<invite>")
@INVITE_CODE_TRIES
@role_required(CLIENT)
@documented(
    "Whose invite a code is, before joining (by its code)",
    ok=(200, InvitePreviewSchema),
    errors=[403, INVALID, 429],
    tag="links",
)
def preview_invite(invite: str):
    """Show whose invite a code is."""
    return InvitePreviewSchema().dump(links.find_invite(invite))


@bp.post("/links")
@INVITE_CODE_TRIES
@role_required(CLIENT)
@documented(
    "Join a therapist with an invite code",
    body=RedeemSchema,
    ok=(201, LinkSchema),
    errors=[403, (422, "invalid_invite, already_linked or validation_failed")],
    tag="links",
)
def create_link():
    """Redeem an invite code."""
    data = load_json(RedeemSchema())
    return LinkSchema().dump(links.redeem(current_user, data["code"])), 201


@bp.get("/links")
@role_required(CLIENT, THERAPIST)
@documented(
    "My links, newest first (?all=1 adds ended ones; all on one page)",
    query=LinkListArgsSchema,
    ok=(200, LinkPageSchema),
    errors=[403, 422],
    tag="links",
)
def list_links():
    """List the user's links."""
    args = load_args(LinkListArgsSchema())
    found = links.links_of(current_user, active_only=not args["all"])
    return dump_page(LinkSchema(), Page(found, None))


@bp.delete("/links/<link_id>")
@role_required(CLIENT, THERAPIST)
@documented("End a link (from either side)", ok=(204, None), errors=[403], tag="links")
def end_link(link_id: str):
    """End a link: the therapist loses access to everything shared over it."""
    links.end_link(current_user, link_id)
    return "", 204


@bp.put("/me/invitation-note")
@role_required(THERAPIST)
@documented(
    "Set my note inviting honest feedback (shown with my invites and to my clients)",
    body=InvitationNoteSchema,
    ok=(200, InvitationNoteSchema),
    errors=[403, 422],
    tag="links",
)
def set_invitation_note():
    """Set the note your clients see, inviting them to say what isn't working."""
    data = load_json(InvitationNoteSchema())
    therapist = accounts.set_invitation_note(current_user, data["note"])
    return {"note": therapist.invitation_note}


@bp.delete("/me/invitation-note")
@role_required(THERAPIST)
@documented("Remove my note inviting honest feedback", ok=(204, None), errors=[403], tag="links")
def remove_invitation_note():
    """Remove the note."""
    accounts.set_invitation_note(current_user, None)
    return "", 204
