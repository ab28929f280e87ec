"""API: goals in the client's words, and goals a therapist suggests."""

from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.schemas.common import ListArgsSchema
from journal.schemas.goals import (
    GoalInputSchema,
    GoalPageSchema,
    GoalSchema,
    GoalUpdateSchema,
    SuggestionAnswerSchema,
    SuggestionInputSchema,
    SuggestionPageSchema,
    SuggestionSchema,
)
from journal.schemas.therapist import (
    GivenSuggestionPageSchema,
    GivenSuggestionSchema,
    SharedGoalPageSchema,
    SharedGoalSchema,
)
from journal.services import goals
from journal.services.pagination import Page


@bp.get("/goals")
@role_required("client")
@documented(
    "My goals, newest first",
    query=ListArgsSchema,
    ok=(200, GoalPageSchema),
    errors=[403, 422],
    tag="goals",
)
def list_goals():
    """List your goals."""
    return dump_page(GoalSchema(), goals.mine(current_user, **load_args(ListArgsSchema())))


@bp.post("/goals")
@role_required("client")
@documented(
    "Add a goal in your own words (up to 10 active), private unless shared with named therapists",
    body=GoalInputSchema,
    ok=(201, GoalSchema),
    errors=[403, 422],
    tag="goals",
)
def create_goal():
    """Add a goal."""
    return GoalSchema().dump(
        goals.create(
            current_user, load_json(GoalInputSchema(linked=goals.linked_ids(current_user)))
        )
    ), 201


@bp.patch("/goals/<goal_id>")
@role_required("client")
@documented(
    "Reword a goal, mark it reached or set aside (or active again), or change who sees it",
    body=GoalUpdateSchema,
    ok=(200, GoalSchema),
    errors=[403, 422],
    tag="goals",
)
def update_goal(goal_id: str):
    """Change one of your goals."""
    data = load_json(GoalUpdateSchema(linked=goals.linked_ids(current_user)))
    return GoalSchema().dump(goals.update(current_user, goal_id, data))


@bp.delete("/goals/<goal_id>")
@role_required("client")
@documented("Delete a goal for good", ok=(204, None), errors=[403], tag="goals")
def delete_goal(goal_id: str):
    """Delete one of your goals."""
    goals.remove(current_user, goal_id)
    return "", 204


@bp.get("/goals/suggestions")
@role_required("client")
@documented(
    "Goals your therapists suggested that wait for your answer, oldest first (all on one page)",
    ok=(200, SuggestionPageSchema),
    errors=[403],
    tag="goals",
)
def list_suggestions():
    """List the suggestions waiting for you."""
    return dump_page(SuggestionSchema(), Page(goals.waiting_for(current_user), None))


@bp.put("/goals/suggestions/<suggestion_id>")
@role_required("client")
@documented(
    "Accept a suggested goal (maybe in your own words) or decline it; 409 if already answered",
    body=SuggestionAnswerSchema,
    ok=(200, SuggestionSchema),
    errors=[403, 409, 422],
    tag="goals",
)
def answer_suggestion(suggestion_id: str):
    """Accept or decline a goal a therapist suggested."""
    data = load_json(SuggestionAnswerSchema())
    return SuggestionSchema().dump(goals.answer(current_user, suggestion_id, data))


@bp.get("/clients/<client_id>/goals")
@role_required("therapist")
@documented(
    "The goals a client shares with me now, active first (all on one page)",
    ok=(200, SharedGoalPageSchema),
    errors=[403],
    tag="goals",
)
def list_client_goals(client_id: str):
    """List a client's goals shared with you."""
    found = goals.shared_with_therapist(current_user, client_id)
    return dump_page(SharedGoalSchema(), Page(found, None))


@bp.post("/clients/<client_id>/goal-suggestions")
@role_required("therapist")
@documented(
    "Suggest a goal to a client; it waits for them to accept, reword or decline it",
    body=SuggestionInputSchema,
    ok=(201, GivenSuggestionSchema),
    errors=[403, 422],
    tag="goals",
)
def suggest_goal(client_id: str):
    """Suggest a goal to a client."""
    data = load_json(SuggestionInputSchema())
    return GivenSuggestionSchema().dump(goals.suggest(current_user, client_id, data["text"])), 201


@bp.get("/clients/<client_id>/goal-suggestions")
@role_required("therapist")
@documented(
    "The goals I suggested to a client, newest first (the latest 20), and what came of each",
    ok=(200, GivenSuggestionPageSchema),
    errors=[403],
    tag="goals",
)
def list_given_suggestions(client_id: str):
    """List the goals you suggested to a client."""
    found = goals.suggested_by(current_user, client_id)
    return dump_page(GivenSuggestionSchema(), Page(found, None))
