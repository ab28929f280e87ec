"""The feedback composer over the API: parts in, a feedback entry out; questions; the wording."""

import pytest

from journal.services import feedback
from tests.helpers import assert_error, count_entries

API = "/api/v1"
URL = f"{API}/entries"
WHAT = "Sessions feel rushed at the end."
DETAIL_KEYS = {"what", "instead", "topics", "difficulty", "raise_how"}


@pytest.fixture
def me(api_as):
    return api_as("client")


def compose(me, **fields):
    return me.post(URL, {"feedback": {"what": WHAT}} | fields)


def test_the_server_writes_the_entry_from_the_parts(me):
    parts = {
        "what": WHAT,
        "instead": "Five minutes to wrap up.",
        "topics": ["pace", "scheduling"],
        "difficulty": 7,
        "raise_how": "read_first",
    }
    response = me.post(URL, {"feedback": parts, "tags": ["session"]})
    assert response.status_code == 201
    entry = response.get_json()
    assert (entry["kind"], entry["title"], entry["tags"]) == (
        "feedback",
        "What isn't working for me",
        ["session"],
    )
    assert entry["body"] == feedback.compose(parts)["body"]
    assert entry["body"].startswith(WHAT) and "7 out of 10" in entry["body"]
    assert entry["details"] == parts
    assert me.get(f"{URL}/{entry['id']}").get_json() == entry


def test_only_what_is_needed_and_the_rest_defaults(me):
    entry = compose(me).get_json()
    assert entry["body"] == WHAT
    assert entry["details"] == {
        "what": WHAT,
        "instead": "",
        "topics": [],
        "difficulty": None,
        "raise_how": None,
    }


@pytest.mark.parametrize(
    ("title", "expected"), [("Pace", "Pace"), ("  ", "What isn't working for me")]
)
def test_a_given_title_overrides_the_default(me, title, expected):
    assert compose(me, title=title).get_json()["title"] == expected


def test_kind_feedback_may_be_said_or_left_out(me):
    assert compose(me, kind="feedback").get_json()["kind"] == "feedback"
    assert compose(me).get_json()["kind"] == "feedback"


@pytest.mark.parametrize("kind", ["reflection", "question"])
def test_parts_make_feedback_only(app, me, kind):
    error = assert_error(compose(me, kind=kind), 422, "validation_failed", ["kind"])
    assert "feedback" in error["fields"]["kind"][0]
    assert count_entries(app) == 0


def test_body_and_parts_together_are_refused(app, me):
    error = assert_error(compose(me, body="My own words"), 422, "validation_failed", ["body"])
    assert error["fields"]["body"] == ["Send the body or the feedback parts, not both."]
    assert count_entries(app) == 0


def test_without_parts_the_body_is_still_required(me):
    error = assert_error(
        me.post(URL, {"title": "Only a title"}), 422, "validation_failed", ["body"]
    )
    assert error["fields"]["body"] == ["Write a few words here."]


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ({}, "feedback.what"),
        ({"what": ""}, "feedback.what"),
        ({"what": "   \n "}, "feedback.what"),
        ({"what": "x" * 5001}, "feedback.what"),
        ({"what": None}, "feedback.what"),
        ({"what": WHAT, "instead": "x" * 5001}, "feedback.instead"),
        ({"what": WHAT, "topics": ["pace", "pace"]}, "feedback.topics"),
        ({"what": WHAT, "topics": ["tone"]}, "feedback.topics"),
        ({"what": WHAT, "topics": "pace"}, "feedback.topics"),
        ({"what": WHAT, "difficulty": -1}, "feedback.difficulty"),
        ({"what": WHAT, "difficulty": 11}, "feedback.difficulty"),
        ({"what": WHAT, "difficulty": "5"}, "feedback.difficulty"),
        ({"what": WHAT, "difficulty": 5.5}, "feedback.difficulty"),
        ({"what": WHAT, "raise_how": "shout"}, "feedback.raise_how"),
        ({"what": WHAT, "therapist": "x"}, "feedback.therapist"),
    ],
)
def test_each_bad_part_is_named(app, me, parts, field):
    assert_error(me.post(URL, {"feedback": parts}), 422, "validation_failed", [field])
    assert count_entries(app) == 0


@pytest.mark.parametrize("value", [None, "words", ["what"], 5])
def test_feedback_that_is_not_an_object_is_named(app, me, value):
    assert_error(me.post(URL, {"feedback": value}), 422, "validation_failed", ["feedback"])
    assert count_entries(app) == 0


def test_bad_parts_and_a_bad_title_are_named_together(me):
    response = me.post(URL, {"title": "x" * 201, "feedback": {"what": "", "difficulty": 12}})
    fields = ["title", "feedback.what", "feedback.difficulty"]
    assert_error(response, 422, "validation_failed", fields)


@pytest.mark.parametrize(("difficulty", "said"), [(0, True), (10, True), (None, False)])
def test_difficulty_at_its_edges(me, difficulty, said):
    entry = compose(me, feedback={"what": WHAT, "difficulty": difficulty}).get_json()
    assert (f"{difficulty} out of 10" in entry["body"]) is said
    assert entry["details"]["difficulty"] == difficulty


def test_a_replayed_composed_entry_is_not_doubled(app, me):
    entry_id = "1f0e6a1c-3d52-4c1e-9a57-5b7f3c0de001"
    first, again = compose(me, id=entry_id), compose(me, id=entry_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json() and count_entries(app) == 1


def test_editing_the_words_drops_the_details(me):
    entry = compose(me).get_json()
    kept = me.patch(f"{URL}/{entry['id']}", {"version": 1, "title": "Pace"}).get_json()
    assert kept["details"] == entry["details"]
    edited = me.patch(f"{URL}/{entry['id']}", {"version": 2, "body": "Now in my own words."})
    assert edited.get_json()["details"] is None


def test_a_hand_written_entry_has_no_details(me):
    entry = me.post(URL, {"body": "Just a few lines"}).get_json()
    assert entry["details"] is None and entry["kind"] == "reflection"


def test_a_question_for_my_therapist(me):
    response = me.post(URL, {"kind": "question", "body": feedback.QUESTION_STARTERS[0] + " this"})
    assert response.status_code == 201
    question = response.get_json()
    assert (question["kind"], question["details"]) == ("question", None)
    listed = me.get(f"{URL}?kind=question").get_json()["items"]
    assert [e["id"] for e in listed] == [question["id"]]
    changed = me.patch(f"{URL}/{question['id']}", {"version": 1, "kind": "feedback"})
    assert changed.get_json()["kind"] == "feedback"


def test_the_therapist_reads_the_body_but_not_the_parts(api_as, me):
    therapist = api_as("therapist")
    code = therapist.post(f"{API}/invites").get_json()["code"]
    assert me.post(f"{API}/links", {"code": code}).status_code == 201
    entry = compose(me, feedback={"what": WHAT, "difficulty": 9, "raise_how": "talk"}).get_json()
    assert me.put(f"{URL}/{entry['id']}/shares/{therapist.user.id}").status_code == 201
    read = therapist.get(f"{API}/clients/{me.user.id}/shared/{entry['id']}").get_json()
    assert (read["kind"], read["body"]) == ("feedback", entry["body"])
    assert "details" not in read and "raise_how" not in str(read)


def test_composed_feedback_is_in_the_export(app, api_as, me):
    entry = compose(me, feedback={"what": WHAT, "topics": ["fit"]}).get_json()
    assert me.post(f"{API}/auth/reauth", {"password": "a calm river at dawn"}).status_code == 204
    [exported] = me.get(f"{API}/export").get_json()["entries"]
    assert exported["details"] == entry["details"] and set(exported["details"]) == DETAIL_KEYS


# --- the wording other apps draw the composer with ---------------------------------------------


@pytest.mark.parametrize("role", ["client", "therapist"])
def test_the_starters_for_any_signed_in_user(api_as, role):
    response = api_as(role).get(f"{API}/feedback/starters")
    assert response.status_code == 200
    assert response.get_json() == {
        "starters": list(feedback.STARTERS),
        "question_starters": list(feedback.QUESTION_STARTERS),
        "topics": feedback.TOPICS,
        "raise_how": feedback.RAISE,
    }


def test_the_starters_need_a_sign_in(api):
    assert_error(api.get(f"{API}/feedback/starters"), 401, "not_signed_in")
