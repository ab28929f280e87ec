"""The feedback composer below the API: parts in, one plain entry out, and its parts kept sealed."""

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import Entry
from journal.services import entries, feedback

WHAT = "Sessions feel rushed at the end."


def parts(**more) -> dict:
    return {"what": WHAT, **more}


def test_what_alone_makes_the_body_and_the_default_title():
    made = feedback.compose(parts())
    assert made["title"] == feedback.DEFAULT_TITLE == "What isn't working for me"
    assert made["body"] == WHAT
    assert made["details"] == {
        "what": WHAT,
        "instead": None,
        "topics": None,
        "difficulty": None,
        "raise_how": None,
    }


def test_every_part_in_the_order_the_therapist_reads_it():
    made = feedback.compose(
        parts(
            what="  " + WHAT + "\n",
            instead=" A few minutes to wrap up. ",
            topics=["scheduling", "pace"],
            difficulty=7,
            raise_how="talk",
        )
    )
    assert made["body"] == "\n".join(
        [
            WHAT,
            "",
            "What I'd like instead: A few minutes to wrap up.",
            "",
            "About: Scheduling, Pace",
            "",
            "How hard this was to say: 7 out of 10",
            "",
            "I'd like us to talk about it together.",
        ]
    )
    assert made["details"]["topics"] == ["scheduling", "pace"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [("", feedback.DEFAULT_TITLE), ("   ", feedback.DEFAULT_TITLE), (" Pace ", "Pace")],
)
def test_a_given_title_overrides_the_default(title, expected):
    assert feedback.compose(parts(title=title))["title"] == expected


def test_blank_instead_and_empty_topics_are_left_out():
    made = feedback.compose(parts(instead="   ", topics=[], difficulty=None, raise_how=None))
    assert made["body"] == WHAT


def test_a_difficulty_of_zero_is_still_said():
    assert feedback.compose(parts(difficulty=0))["body"].endswith("0 out of 10")


@pytest.mark.parametrize("key", list(feedback.RAISE))
def test_each_way_to_raise_it_ends_the_body(key):
    assert feedback.compose(parts(raise_how=key))["body"].endswith(feedback.RAISE[key])


def test_every_topic_has_a_label():
    made = feedback.compose(parts(topics=list(feedback.TOPICS)))
    assert "About: " + ", ".join(feedback.TOPICS.values()) in made["body"]
    assert set(feedback.TOPICS) == {
        "pace",
        "goals",
        "approach",
        "heard",
        "homework",
        "scheduling",
        "fit",
        "other",
    }


def test_the_wording_is_a_copy_for_apps():
    words = feedback.wording()
    assert words == {
        "starters": list(feedback.STARTERS),
        "question_starters": list(feedback.QUESTION_STARTERS),
        "topics": feedback.TOPICS,
        "raise_how": feedback.RAISE,
    }
    words["starters"].clear()
    words["topics"]["pace"] = "changed"
    assert feedback.STARTERS and feedback.TOPICS["pace"] == "Pace"


@pytest.mark.parametrize("starter", [*feedback.STARTERS, *feedback.QUESTION_STARTERS])
def test_starters_are_short_and_gentle(starter):
    assert 10 <= len(starter) <= 80
    assert starter[0].isupper() and starter.endswith(("…", "?"))
    assert not any(word in starter.lower() for word in ("wrong", "fault", "bad", "fail"))


def test_entries_keep_the_parts_sealed(app, make_user):
    user = make_user("client")
    made = feedback.compose(parts(topics=["pace"], difficulty=8, raise_how="read_first"))
    with app.app_context():
        view, _ = entries.create(
            user, {"id": None, "kind": "feedback", "tags": [], "prompt_id": None, **made}
        )
        assert view.details == made["details"] and view.kind == "feedback"
        stored = db.session.scalar(select(Entry).where(Entry.id == view.id))
        assert stored.details_sealed and b"rushed" not in stored.details_sealed
        assert entries.get(user, view.id).details == made["details"]
        [exported] = entries.list_all(user)
        assert exported.details == made["details"]


def test_a_hand_written_entry_has_no_details(app, make_user, make_entry):
    entry = make_entry(make_user("client"), "Just words", kind="question")
    assert entry.details is None and entry.kind == "question"


@pytest.mark.parametrize(
    ("change", "kept"),
    [({"title": "New title"}, True), ({"tags": ["t"]}, True), ({"body": "Other words"}, False)],
)
def test_an_edit_of_the_words_drops_the_parts(app, make_user, change, kept):
    user = make_user("client")
    made = feedback.compose(parts())
    with app.app_context():
        view, _ = entries.create(
            user, {"id": None, "kind": "feedback", "tags": [], "prompt_id": None, **made}
        )
        edited = entries.update(user, view.id, {"version": 1, **change})
        assert (edited.details is not None) is kept
        assert entries.get(user, view.id).details == (made["details"] if kept else None)


def test_deleting_wipes_the_parts(app, make_user):
    user = make_user("client")
    with app.app_context():
        view, _ = entries.create(
            user,
            {"id": None, "kind": "feedback", "tags": [], "prompt_id": None}
            | feedback.compose(parts()),
        )
        entries.delete(user, view.id)
        assert db.session.get(Entry, view.id).details_sealed is None
