"""Tasks through the API: given by a therapist, answered, marked done or declined by the client,
and seen by the therapist only as far as the client shares."""

from datetime import timedelta

from journal.extensions import db
from journal.models import Task, TherapySession, utcnow
from tests.helpers import assert_error
from tests.test_api_goals import add_goal
from tests.test_web_links import pair, schedule

__all__ = ["pair"]  # the fixture, imported for this module's tests

TASK_KEYS = {
    "id",
    "therapist_id",
    "therapist_name",
    "text",
    "prompt_id",
    "words",
    "goal_id",
    "goal",
    "due_at",
    "by_session",
    "status",
    "answer_entry_id",
    "reason",
    "created_at",
}
WORDS = "Notice one moment this week when you held back, and write what you wanted to say."
TOMORROW = (utcnow() + timedelta(days=1)).date().isoformat()


def give(pair, **body):
    body.setdefault("due", {"date": TOMORROW})
    if "prompt_id" not in body:
        body.setdefault("text", WORDS)
    response = pair.therapist.post(f"/api/v1/clients/{pair.client.user.id}/tasks", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def given(pair):
    response = pair.therapist.get(f"/api/v1/clients/{pair.client.user.id}/tasks")
    assert response.status_code == 200
    return response.get_json()["items"]


def mine(pair):
    return pair.client.get("/api/v1/tasks").get_json()["items"]


def answer(pair, task_id, body="What I wanted to say."):
    response = pair.client.post("/api/v1/entries", {"body": body, "task_id": task_id})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_task_in_the_therapists_words(app, pair):
    task = give(pair)
    assert set(task) == TASK_KEYS
    assert task["text"] == WORDS and task["words"] == WORDS and task["prompt_id"] is None
    assert task["status"] == "open" and task["by_session"] is False
    assert task["therapist_name"] == "Dr Lee" and task["answer_entry_id"] is None
    [seen] = mine(pair)
    assert seen == task
    with app.app_context():
        assert WORDS.encode() not in db.session.get(Task, task["id"]).text_sealed


def test_a_prompt_due_by_the_next_session_follows_the_session(app, pair):
    session_id = schedule(app, pair.client.user, pair.link_id, starts_in=timedelta(days=3))
    task = give(pair, prompt_id="honest-01", due={"next_session": True})
    assert task["text"] is None and task["prompt_id"] == "honest-01" and task["words"]
    assert task["by_session"] is True
    later = (utcnow() + timedelta(days=5)).replace(microsecond=0)
    with app.app_context():
        db.session.get(TherapySession, session_id).starts_at = later
        db.session.commit()
    [moved] = mine(pair)
    assert moved["due_at"].startswith(later.strftime("%Y-%m-%dT%H:%M"))


def test_answering_privately_shows_the_therapist_nothing(pair):
    task = give(pair)
    entry_id = answer(pair, task["id"])
    [seen] = mine(pair)
    assert seen["status"] == "done" and seen["answer_entry_id"] == entry_id
    [theirs] = given(pair)
    assert theirs["status"] == "open" and theirs["answer_entry_id"] is None


def test_a_shared_answer_shows_and_counts_as_done(pair):
    task = give(pair)
    entry_id = answer(pair, task["id"])
    url = f"/api/v1/entries/{entry_id}/shares/{pair.therapist.user.id}"
    assert pair.client.put(url).status_code == 201
    [theirs] = given(pair)
    assert theirs["status"] == "done" and theirs["answer_entry_id"] == entry_id
    assert pair.client.delete(url).status_code == 204
    assert given(pair)[0]["status"] == "open"


def test_done_to_bring_and_declined_with_a_reason(pair):
    first, second = give(pair), give(pair, text="Call your sister")
    url = "/api/v1/tasks/{}/status"
    done = pair.client.put(url.format(first["id"]), {"status": "done"}).get_json()
    assert done["status"] == "done" and done["answer_entry_id"] is None
    declined = pair.client.put(
        url.format(second["id"]), {"status": "declined", "reason": "  Not ready for that.  "}
    ).get_json()
    assert declined["status"] == "declined" and declined["reason"] == "Not ready for that."
    theirs = {t["id"]: t for t in given(pair)}
    assert theirs[first["id"]]["status"] == "done"
    assert theirs[second["id"]]["status"] == "declined"
    assert theirs[second["id"]]["reason"] == "Not ready for that."
    again = pair.client.put(url.format(second["id"]), {"status": "open"}).get_json()
    assert again["status"] == "open" and again["reason"] is None


def test_a_passed_task_is_quietly_not_done_and_open_ones_come_first(app, pair):
    passed, waiting = give(pair), give(pair, text="Later")
    with app.app_context():
        db.session.get(Task, passed["id"]).due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    assert [(t["id"], t["status"]) for t in mine(pair)] == [
        (waiting["id"], "open"),
        (passed["id"], "not_done"),
    ]


def test_a_task_tied_to_a_shared_goal(pair):
    goal = add_goal(pair)
    task = give(pair, goal_id=goal["id"])
    assert task["goal_id"] == goal["id"] and task["goal"] == goal["text"]
    pair.client.patch(f"/api/v1/goals/{goal['id']}", {"shared_with": []})
    [theirs] = given(pair)
    assert theirs["goal"] is None and theirs["goal_id"] is None
    assert mine(pair)[0]["goal"] == goal["text"]


def test_bad_tasks_get_every_problem_at_once(pair):
    url = f"/api/v1/clients/{pair.client.user.id}/tasks"
    response = pair.therapist.post(url, {"text": "x" * 1001, "due": {}})
    assert_error(response, 422, "validation_failed", fields=["text", "due"])
    response = pair.therapist.post(url, {"text": "Do", "prompt_id": "honest-01"})
    assert_error(response, 422, "validation_failed", fields=["text", "due"])
    response = pair.therapist.post(url, {"prompt_id": "no-such-prompt", "due": {"date": "x"}})
    assert_error(response, 422, "validation_failed", fields=["prompt_id", "due"])
    private = add_goal(pair, shared=False)
    past = (utcnow() - timedelta(days=2)).date().isoformat()
    response = pair.therapist.post(
        url, {"text": "Do", "goal_id": private["id"], "due": {"date": past}}
    )
    assert_error(response, 422, "validation_failed", fields=["goal_id", "due"])
    response = pair.therapist.post(url, {"text": "Do", "due": {"next_session": True}})
    error = assert_error(response, 422, "validation_failed", fields=["due"])
    assert "no session on the calendar" in error["fields"]["due"][0]
    assert given(pair) == []


def test_bad_status_and_someone_elses_task(pair, api_as):
    task = give(pair)
    url = f"/api/v1/tasks/{task['id']}/status"
    response = pair.client.put(url, {"status": "finished", "reason": "y" * 1001})
    assert_error(response, 422, "validation_failed", fields=["status", "reason"])
    stranger = api_as("client")
    assert_error(stranger.put(url, {"status": "done"}), 404, "not_found")
    response = stranger.post("/api/v1/entries", {"body": "Mine", "task_id": task["id"]})
    assert_error(response, 404, "not_found")
    assert stranger.get("/api/v1/entries").get_json()["items"] == []
    other_therapist = api_as("therapist")
    response = other_therapist.get(f"/api/v1/clients/{pair.client.user.id}/tasks")
    assert_error(response, 404, "not_found")


def test_wrong_roles(pair):
    assert_error(pair.therapist.get("/api/v1/tasks"), 403, "wrong_role")
    url = f"/api/v1/clients/{pair.client.user.id}/tasks"
    assert_error(pair.client.post(url, {"text": "x", "due": {"date": TOMORROW}}), 403, "wrong_role")


def test_the_export_holds_tasks_and_the_log_shows_a_reason_read(pair):
    task = give(pair)
    pair.client.put(f"/api/v1/tasks/{task['id']}/status", {"status": "declined", "reason": "No"})
    assert given(pair)[0]["reason"] == "No"
    actions = [e["action"] for e in pair.client.get("/api/v1/access-log").get_json()["items"]]
    assert "read_tasks" in actions
    pair.client.post("/api/v1/auth/reauth", {"password": "a calm river at dawn"})
    [kept] = pair.client.get("/api/v1/export").get_json()["tasks"]
    assert kept["id"] == task["id"] and kept["reason"] == "No" and kept["status"] == "declined"
