"""API: a therapist answers what a client shared; the client reads the answers."""

from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.schemas.answers import AnswerInputSchema, AnswerSchema, ReplyPageSchema, ReplySchema
from journal.schemas.common import ListArgsSchema
from journal.services import answers

ENTRY = "/clients/<client_id>/shared/<entry_id>/answer"
CHECKIN = "/clients/<client_id>/checkins/<checkin_id>/answer"
NOT_SHARED = "not_found: not shared with you now (the same rule as reading it)"


@bp.put(ENTRY)
@role_required("therapist")
@documented(
    "Answer a shared entry: heard, a short reply, and/or talk about it next session",
    body=AnswerInputSchema,
    ok=(200, AnswerSchema),
    errors=[403, (404, NOT_SHARED), 422],
    tag="therapist",
)
def answer_entry(client_id: str, entry_id: str):
    """Answer, or change the answer to, an entry the client shares with you."""
    data = load_json(AnswerInputSchema())
    return AnswerSchema().dump(answers.answer_entry(current_user, client_id, entry_id, data))


@bp.delete(ENTRY)
@role_required("therapist")
@documented(
    "Withdraw the answer to a shared entry",
    ok=(204, None),
    errors=[403, (404, NOT_SHARED)],
    tag="therapist",
)
def withdraw_entry_answer(client_id: str, entry_id: str):
    """Take back your answer to a shared entry."""
    answers.withdraw_entry_answer(current_user, client_id, entry_id)
    return "", 204


@bp.put(CHECKIN)
@role_required("therapist")
@documented(
    "Answer a shared check-in: heard, a short reply, and/or talk about it next session",
    body=AnswerInputSchema,
    ok=(200, AnswerSchema),
    errors=[403, (404, NOT_SHARED), 422],
    tag="therapist",
)
def answer_checkin(client_id: str, checkin_id: str):
    """Answer, or change the answer to, a check-in the client shares with you."""
    data = load_json(AnswerInputSchema())
    return AnswerSchema().dump(answers.answer_checkin(current_user, client_id, checkin_id, data))


@bp.delete(CHECKIN)
@role_required("therapist")
@documented(
    "Withdraw the answer to a shared check-in",
    ok=(204, None),
    errors=[403, (404, NOT_SHARED)],
    tag="therapist",
)
def withdraw_checkin_answer(client_id: str, checkin_id: str):
    """Take back your answer to a shared check-in."""
    answers.withdraw_checkin_answer(current_user, client_id, checkin_id)
    return "", 204


@bp.get("/answers")
@role_required("client")
@documented(
    "Answers to what I shared, newest change first, each saying whether I have seen it",
    query=ListArgsSchema,
    ok=(200, ReplyPageSchema),
    errors=[403, 422],
    tag="sharing",
)
def list_answers():
    """List the answers your therapists gave to what you shared."""
    return dump_page(ReplySchema(), answers.replies(current_user, **load_args(ListArgsSchema())))


@bp.post("/answers/seen")
@role_required("client")
@documented("Mark every answer so far as seen", ok=(204, None), errors=[403], tag="sharing")
def mark_answers_seen():
    """Remember that you have seen every answer so far."""
    answers.mark_seen(current_user)
    return "", 204
