"""Goals through the API: the client's own list, sharing goal by goal, a therapist's suggestions."""

from journal.extensions import db
from journal.models import Goal
from journal.services import links
from tests.helpers import assert_error
from tests.test_web_links import link_up, pair

__all__ = ["pair"]  # the fixture, imported for this module's tests

GOAL_KEYS = {
    "id",
    "text",
    "status",
    "status_at",
    "shared_with",
    "suggested_by",
    "created_at",
    "updated_at",
}
SHARED_KEYS = {"id", "text", "status", "status_at", "suggested_by_me", "shared_at", "created_at"}
GIVEN_KEYS = {"id", "text", "status", "created_at", "answered_at"}
GOAL = "Say no at work without feeling guilty for days"


def add_goal(pair, text=GOAL, shared=True):
    shared_with = [pair.therapist.user.id] if shared else []
    response = pair.client.post("/api/v1/goals", {"text": text, "shared_with": shared_with})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def goals_of_therapist(pair):
    response = pair.therapist.get(f"/api/v1/clients/{pair.client.user.id}/goals")
    assert response.status_code == 200
    return response.get_json()["items"]


def suggest(pair, text="Sleep before midnight on weeknights"):
    url = f"/api/v1/clients/{pair.client.user.id}/goal-suggestions"
    response = pair.therapist.post(url, {"text": text})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_goal_is_kept_in_the_clients_words_and_shared_by_choice(pair):
    goal = add_goal(pair, "  " + GOAL + "  ")
    assert set(goal) == GOAL_KEYS
    assert goal["text"] == GOAL and goal["status"] == "active" and goal["status_at"] is None
    assert goal["shared_with"] == [pair.therapist.user.id] and goal["suggested_by"] is None
    private = add_goal(pair, "Only mine", shared=False)
    assert private["shared_with"] == []
    listed = pair.client.get("/api/v1/goals").get_json()
    assert [g["id"] for g in listed["items"]] == [private["id"], goal["id"]]
    assert listed["next_cursor"] is None
    [theirs] = goals_of_therapist(pair)
    assert set(theirs) == SHARED_KEYS
    assert theirs["id"] == goal["id"] and theirs["text"] == GOAL
    assert theirs["suggested_by_me"] is False


def test_goal_text_is_sealed_at_rest(app, pair):
    goal = add_goal(pair)
    with app.app_context():
        row = db.session.get(Goal, goal["id"])
        assert GOAL.encode() not in row.text_sealed


def test_reached_and_set_aside_keep_their_date_and_stay_visible(pair):
    goal = add_goal(pair)
    url = f"/api/v1/goals/{goal['id']}"
    reached = pair.client.patch(url, {"status": "reached"}).get_json()
    assert reached["status"] == "reached" and reached["status_at"]
    [theirs] = goals_of_therapist(pair)
    assert theirs["status"] == "reached" and theirs["status_at"] == reached["status_at"]
    again = pair.client.patch(url, {"status": "active"}).get_json()
    assert again["status"] == "active" and again["status_at"] is None


def test_rewording_and_unsharing(pair):
    goal = add_goal(pair)
    url = f"/api/v1/goals/{goal['id']}"
    changed = pair.client.patch(url, {"text": "Say no kindly", "shared_with": []}).get_json()
    assert changed["text"] == "Say no kindly" and changed["shared_with"] == []
    assert goals_of_therapist(pair) == []
    shared = pair.client.patch(url, {"shared_with": [pair.therapist.user.id]}).get_json()
    assert shared["shared_with"] == [pair.therapist.user.id]
    assert [g["text"] for g in goals_of_therapist(pair)] == ["Say no kindly"]


def test_an_ended_link_ends_what_the_therapist_sees(app, pair):
    add_goal(pair)
    with app.app_context():
        links.end_link(db.session.merge(pair.client.user), pair.link_id)
    assert_error(
        pair.therapist.get(f"/api/v1/clients/{pair.client.user.id}/goals"), 404, "not_found"
    )
    [mine] = pair.client.get("/api/v1/goals").get_json()["items"]
    assert mine["shared_with"] == []


def test_delete_removes_the_goal(pair):
    goal = add_goal(pair)
    assert pair.client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204
    assert pair.client.get("/api/v1/goals").get_json()["items"] == []
    assert goals_of_therapist(pair) == []
    assert_error(pair.client.delete(f"/api/v1/goals/{goal['id']}"), 404, "not_found")


def test_bad_goals_get_every_problem_at_once(pair):
    response = pair.client.post("/api/v1/goals", {"text": " ", "shared_with": ["nobody"]})
    assert_error(response, 422, "validation_failed", fields=["text", "shared_with"])
    response = pair.client.post("/api/v1/goals", {"text": "x" * 301, "shared_with": "me"})
    assert_error(response, 422, "validation_failed", fields=["text", "shared_with"])
    response = pair.client.post("/api/v1/goals", {"text": "Fine", "shared_with": ["nobody"]})
    assert_error(response, 422, "validation_failed", fields=["shared_with"])
    goal = add_goal(pair)
    url = f"/api/v1/goals/{goal['id']}"
    assert_error(pair.client.patch(url, {}), 422, "validation_failed", fields=["_schema"])
    response = pair.client.patch(url, {"status": "done", "text": ""})
    assert_error(response, 422, "validation_failed", fields=["status", "text"])
    assert pair.client.get("/api/v1/goals").get_json()["items"][0]["text"] == GOAL


def test_ten_active_goals_at_most(pair):
    ids = [add_goal(pair, f"Goal {n}", shared=False)["id"] for n in range(10)]
    response = pair.client.post("/api/v1/goals", {"text": "One more", "shared_with": ["x"]})
    assert_error(response, 422, "validation_failed", fields=["shared_with"])
    response = pair.client.post("/api/v1/goals", {"text": "One more"})
    assert_error(response, 422, "validation_failed", fields=["text"])
    pair.client.patch(f"/api/v1/goals/{ids[0]}", {"status": "set_aside"})
    add_goal(pair, "Now there is room")
    response = pair.client.patch(f"/api/v1/goals/{ids[0]}", {"status": "active"})
    assert_error(response, 422, "validation_failed", fields=["status"])


def test_someone_elses_goal_is_not_found(pair, api_as):
    goal = add_goal(pair)
    stranger = api_as("client")
    url = f"/api/v1/goals/{goal['id']}"
    assert_error(stranger.patch(url, {"status": "reached"}), 404, "not_found")
    assert_error(stranger.delete(url), 404, "not_found")
    other_therapist = api_as("therapist")
    response = other_therapist.get(f"/api/v1/clients/{pair.client.user.id}/goals")
    assert_error(response, 404, "not_found")


def test_a_suggestion_waits_for_the_client(pair):
    given = suggest(pair)
    assert set(given) == GIVEN_KEYS and given["status"] == "waiting"
    [waiting] = pair.client.get("/api/v1/goals/suggestions").get_json()["items"]
    assert waiting["id"] == given["id"] and waiting["therapist_name"] == "Dr Lee"
    assert waiting["text"] == "Sleep before midnight on weeknights"
    assert pair.client.get("/api/v1/goals").get_json()["items"] == []
    assert goals_of_therapist(pair) == []


def test_accepting_in_my_own_words_shares_it_with_the_one_who_suggested(pair):
    given = suggest(pair)
    url = f"/api/v1/goals/suggestions/{given['id']}"
    response = pair.client.put(url, {"action": "accept", "text": "Be in bed by 11 most nights"})
    assert response.status_code == 200
    answered = response.get_json()
    assert answered["status"] == "accepted" and answered["answered_at"]
    goal = answered["goal"]
    assert goal["text"] == "Be in bed by 11 most nights"
    assert goal["suggested_by"] == pair.therapist.user.id
    assert goal["shared_with"] == [pair.therapist.user.id]
    [theirs] = goals_of_therapist(pair)
    assert theirs["text"] == "Be in bed by 11 most nights" and theirs["suggested_by_me"]
    [mine] = pair.therapist.get(
        f"/api/v1/clients/{pair.client.user.id}/goal-suggestions"
    ).get_json()["items"]
    assert mine["status"] == "accepted" and mine["text"] == "Sleep before midnight on weeknights"
    assert pair.client.get("/api/v1/goals/suggestions").get_json()["items"] == []
    assert_error(pair.client.put(url, {"action": "decline"}), 409, "already_answered")


def test_accepting_privately_and_declining(pair):
    first, second = suggest(pair), suggest(pair, "Call my sister")
    kept = pair.client.put(
        f"/api/v1/goals/suggestions/{first['id']}", {"action": "accept", "shared": False}
    ).get_json()
    assert kept["goal"]["text"] == "Sleep before midnight on weeknights"
    assert kept["goal"]["shared_with"] == []
    declined = pair.client.put(
        f"/api/v1/goals/suggestions/{second['id']}", {"action": "decline"}
    ).get_json()
    assert declined["status"] == "declined" and declined["goal"] is None
    assert goals_of_therapist(pair) == []
    given = pair.therapist.get(f"/api/v1/clients/{pair.client.user.id}/goal-suggestions")
    assert [s["status"] for s in given.get_json()["items"]] == ["declined", "accepted"]


def test_bad_suggestions_and_answers(pair):
    url = f"/api/v1/clients/{pair.client.user.id}/goal-suggestions"
    assert_error(pair.therapist.post(url, {"text": ""}), 422, "validation_failed", ["text"])
    given = suggest(pair)
    answer_url = f"/api/v1/goals/suggestions/{given['id']}"
    response = pair.client.put(answer_url, {"action": "maybe", "text": "y" * 301})
    assert_error(response, 422, "validation_failed", fields=["action", "text"])
    [still] = pair.client.get("/api/v1/goals/suggestions").get_json()["items"]
    assert still["status"] == "waiting"


def test_a_therapist_cannot_flood_a_client_with_suggestions(pair):
    for n in range(10):
        suggest(pair, f"Idea {n}")
    url = f"/api/v1/clients/{pair.client.user.id}/goal-suggestions"
    assert_error(pair.therapist.post(url, {"text": "Another"}), 422, "validation_failed", ["text"])


def test_suggestions_of_an_ended_link_or_another_client_are_not_found(app, pair, api_as):
    given = suggest(pair)
    stranger = api_as("client")
    url = f"/api/v1/goals/suggestions/{given['id']}"
    assert_error(stranger.put(url, {"action": "accept"}), 404, "not_found")
    other_therapist = api_as("therapist")
    response = other_therapist.post(
        f"/api/v1/clients/{pair.client.user.id}/goal-suggestions", {"text": "Mine"}
    )
    assert_error(response, 404, "not_found")
    with app.app_context():
        links.end_link(db.session.merge(pair.client.user), pair.link_id)
    assert pair.client.get("/api/v1/goals/suggestions").get_json()["items"] == []
    assert_error(pair.client.put(url, {"action": "accept"}), 404, "not_found")


def test_a_goal_shared_with_one_therapist_is_not_seen_by_another(app, pair, make_user, api_as):
    second = api_as(make_user("therapist", name="Dr Kim"))
    link_up(app, pair.client.user, second.user)
    goal = add_goal(pair)
    response = second.get(f"/api/v1/clients/{pair.client.user.id}/goals")
    assert response.get_json()["items"] == []
    both = [pair.therapist.user.id, second.user.id]
    shared = pair.client.patch(f"/api/v1/goals/{goal['id']}", {"shared_with": both})
    assert shared.get_json()["shared_with"] == both
    [theirs] = second.get(f"/api/v1/clients/{pair.client.user.id}/goals").get_json()["items"]
    assert theirs["id"] == goal["id"]


def test_wrong_role_is_forbidden(pair):
    assert_error(pair.therapist.get("/api/v1/goals"), 403, "wrong_role")
    url = f"/api/v1/clients/{pair.client.user.id}/goals"
    assert_error(pair.client.get(url), 403, "wrong_role")


def checkin(pair, goal_id, shared=True):
    body = {"therapist_id": pair.therapist.user.id, "shared": shared, "goal_id": goal_id}
    body |= dict.fromkeys(("bond", "goals", "approach", "overall"), 6)
    return pair.client.post("/api/v1/checkins", body)


def test_a_check_in_can_look_at_a_goal(pair):
    goal = add_goal(pair)
    response = checkin(pair, goal["id"])
    assert response.status_code == 201
    made = response.get_json()
    assert made["goal_id"] == goal["id"] and made["goal"] == GOAL
    [mine] = pair.client.get("/api/v1/checkins").get_json()["items"]
    assert mine["goal"] == GOAL
    url = f"/api/v1/clients/{pair.client.user.id}/checkins"
    [theirs] = pair.therapist.get(url).get_json()["items"]
    assert theirs["goal"] == GOAL and "goal_id" not in theirs


def test_a_therapist_sees_a_check_ins_goal_only_if_the_goal_is_shared(pair):
    goal = add_goal(pair, shared=False)
    assert checkin(pair, goal["id"]).status_code == 201
    url = f"/api/v1/clients/{pair.client.user.id}/checkins"
    [theirs] = pair.therapist.get(url).get_json()["items"]
    assert theirs["goal"] is None
    assert pair.client.get("/api/v1/checkins").get_json()["items"][0]["goal"] == GOAL


def test_a_check_in_on_no_goal_or_a_goal_not_worked_on(pair, api_as):
    assert checkin(pair, None).get_json()["goal"] is None
    goal = add_goal(pair)
    pair.client.patch(f"/api/v1/goals/{goal['id']}", {"status": "reached"})
    assert_error(checkin(pair, goal["id"]), 422, "validation_failed", fields=["goal_id"])
    stranger = api_as("client")
    theirs = stranger.post("/api/v1/goals", {"text": "Theirs"}).get_json()
    assert_error(checkin(pair, theirs["id"]), 422, "validation_failed", fields=["goal_id"])
    deleted = add_goal(pair, "Gone soon")
    made = checkin(pair, deleted["id"]).get_json()
    pair.client.delete(f"/api/v1/goals/{deleted['id']}")
    [kept] = [
        c for c in pair.client.get("/api/v1/checkins").get_json()["items"] if c["id"] == made["id"]
    ]
    assert kept["goal"] is None and kept["bond"] == 6
