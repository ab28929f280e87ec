"""Tasks in the pages: the therapist gives one; the client sees it on the journal home, answers
it in the editor, marks it done or says it doesn't fit; both sides see it in the session's
packet and digest."""

from datetime import timedelta
from uuid import uuid4

from tests.test_api_goals import add_goal
from tests.test_api_tasks import WORDS, give, given
from tests.test_web_links import pair, schedule, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests


def tasks_page(pair):
    return f"/therapist/clients/{pair.client.user.id}/tasks"


def form(**fields):
    return {"source": "text", "text": WORDS, "due": "next_session"} | fields


def test_the_therapist_gives_a_task_due_by_the_next_session(app, pair):
    schedule(app, pair.client.user, pair.link_id, starts_in=timedelta(days=3))
    page = text_of(pair.therapist.client.get(tasks_page(pair)))
    assert "Give a task" in page and "No tasks yet" in page
    response = pair.therapist.form(tasks_page(pair), form())
    assert response.status_code == 302
    page = text_of(pair.therapist.client.get(tasks_page(pair)))
    assert WORDS in page and "Open" in page and "for the session on" in page
    home = text_of(pair.client.client.get("/journal"))
    assert "Between sessions" in home and WORDS in home
    assert "From Dr Lee, for your session on" in home and "Write my answer" in home


def test_a_prompt_toward_a_goal_by_a_date(app, pair):
    goal = add_goal(pair)
    fields = form(source="prompt", prompt_id="honest-01", goal_id=goal["id"], due="date")
    fields["date"] = "2999-01-04"
    assert pair.therapist.form(tasks_page(pair), fields).status_code == 302
    [task] = given(pair)
    assert task["prompt_id"] == "honest-01" and task["goal_id"] == goal["id"]
    home = text_of(pair.client.client.get("/journal"))
    assert "4 Jan</time>" in home and "Toward your goal: " + goal["text"] in home


def test_a_bad_task_form_keeps_the_words_and_names_every_problem(pair):
    response = pair.therapist.form(tasks_page(pair), form(text="x" * 1001, due="date", date="no"))
    assert response.status_code == 422
    page = text_of(response)
    assert "Write 1 to 1,000 characters." in page and "Not a valid date." in page
    assert "x" * 1001 in page
    response = pair.therapist.form(tasks_page(pair), form())
    assert response.status_code == 422
    assert "no session on the calendar" in text_of(response)
    response = pair.therapist.form(tasks_page(pair), form(source="prompt"))
    assert response.status_code == 422
    assert "Write the task, or choose a prompt: one of the two." in text_of(response)


def test_the_client_answers_in_the_editor_with_the_task_above(pair):
    task = give(pair)
    page = text_of(pair.client.client.get(f"/journal/new?task={task['id']}"))
    assert WORDS in page and "From Dr Lee, by" in page
    assert f'name="task_id" value="{task["id"]}"' in page
    response = pair.client.form(
        "/journal/new",
        {"id": str(uuid4()), "task_id": task["id"], "body": "What I wanted to say."},
    )
    assert response.status_code == 302 and response.location.endswith("#sharing")
    entry_page = text_of(pair.client.client.get(response.location.split("#")[0]))
    assert "To let Dr Lee read your answer, share it below." in entry_page
    listed = text_of(pair.client.client.get("/journal/tasks"))
    assert "Done" in listed and "Your answer" in listed
    assert text_of(pair.therapist.client.get(tasks_page(pair))).count("Read the answer") == 0


def test_someone_elses_task_cannot_be_answered(pair, api_as):
    task = give(pair)
    stranger = api_as("client")
    assert stranger.client.get(f"/journal/new?task={task['id']}").status_code == 404
    response = stranger.form("/journal/new", {"task_id": task["id"], "body": "Mine"})
    assert response.status_code == 404


def test_done_to_bring_and_doesnt_fit(pair):
    first, second = give(pair), give(pair, text="Call your sister")
    response = pair.client.form(f"/journal/tasks/{first['id']}/status", {"status": "done"})
    assert response.status_code == 302
    assert "Marked done." in text_of(pair.client.client.get("/journal/tasks"))
    bad = pair.client.form(
        f"/journal/tasks/{second['id']}/status", {"status": "declined", "reason": "r" * 1001}
    )
    assert bad.status_code == 422 and "Keep the reason to 1,000 characters." in text_of(bad)
    assert "r" * 1001 in text_of(bad)
    pair.client.form(
        f"/journal/tasks/{second['id']}/status", {"status": "declined", "reason": "Too soon."}
    )
    theirs = text_of(pair.therapist.client.get(tasks_page(pair)))
    assert "Doesn't fit" in theirs and "Too soon." in theirs and "Done" in theirs
    again = pair.client.form(f"/journal/tasks/{second['id']}/status", {"status": "open"})
    assert again.status_code == 302
    assert "It's open again." in text_of(pair.client.client.get("/journal/tasks"))


def test_tasks_lead_into_the_packet_and_the_digest(app, pair):
    session_id = schedule(app, pair.client.user, pair.link_id, starts_in=timedelta(days=3))
    task = give(pair, due={"next_session": True})
    pair.client.put(f"/api/v1/tasks/{task['id']}/status", {"status": "declined", "reason": "No"})
    packet = text_of(pair.client.client.get(f"/prepare/{session_id}"))
    assert "Tasks for this session" in packet and WORDS in packet
    digest = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert "Tasks due by this session" in digest and "doesn't fit" in digest
    api = pair.therapist.get(f"/api/v1/sessions/{session_id}/packet").get_json()
    assert [t["id"] for t in api["tasks"]] == [task["id"]]


def test_the_tasks_page_is_quiet_when_empty(pair):
    page = text_of(pair.client.client.get("/journal/tasks"))
    assert "Nothing for now" in page and "Nobody watches this app" in page
