"""Goals in the pages: the client's list, adding, changing, suggestions answered; the therapist's
view with the suggestion form; the journal home's card."""

from tests.test_api_goals import add_goal, suggest
from tests.test_web_links import pair, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests

GOAL = "Say what I need at work"


def goals_page(pair):
    return text_of(pair.client.client.get("/journal/goals"))


def therapist_page(pair):
    return f"/therapist/clients/{pair.client.user.id}/goals"


def test_the_goals_page_starts_empty_and_explains(pair):
    page = goals_page(pair)
    assert "Your goals" in page and "No goals yet" in page
    assert "What do you want from therapy?" in page and "Dr Lee" in page
    assert "Nobody watches this app in real time" in page


def test_adding_a_goal_shared_with_a_therapist(pair):
    response = pair.client.form(
        "/journal/goals", {"text": GOAL, "shared_with": pair.therapist.user.id}
    )
    assert response.status_code == 302 and response.location.endswith("/journal/goals")
    page = goals_page(pair)
    assert GOAL in page and "Shared with Dr Lee" in page and "Added to your goals." in page
    theirs = text_of(pair.therapist.client.get(therapist_page(pair)))
    assert "Sam's goals" in theirs and GOAL in theirs and "Active" in theirs


def test_a_private_goal_stays_private(pair):
    pair.client.form("/journal/goals", {"text": GOAL})
    assert "Only you" in goals_page(pair)
    theirs = text_of(pair.therapist.client.get(therapist_page(pair)))
    assert GOAL not in theirs and "No goals shared with you" in theirs


def test_a_bad_goal_keeps_the_words_and_names_every_problem(pair):
    response = pair.client.form(
        "/journal/goals", {"text": "x" * 301, "shared_with": ["nobody", pair.therapist.user.id]}
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Write 1 to 300 characters." in page and "x" * 301 in page
    response = pair.client.form("/journal/goals", {"text": GOAL, "shared_with": "nobody"})
    page = text_of(response)
    assert response.status_code == 422 and "Choose therapists you are linked with." in page
    assert GOAL in page and "No goals yet" in page


def test_marking_reached_then_working_on_it_again(pair):
    goal = add_goal(pair, GOAL)
    response = pair.client.form(f"/journal/goals/{goal['id']}/status", {"status": "reached"})
    assert response.status_code == 302
    page = goals_page(pair)
    assert "Reached and set aside" in page and "Reached. Well done" in page
    pair.client.form(f"/journal/goals/{goal['id']}/status", {"status": "active"})
    page = goals_page(pair)
    assert "Reached and set aside" not in page and "It's one of your goals again." in page
    bad = pair.client.form(f"/journal/goals/{goal['id']}/status", {"status": "done"})
    assert bad.status_code == 422 and "Choose active, reached or set_aside." in text_of(bad)


def test_the_eleventh_goal_waits_for_room(pair):
    ids = [add_goal(pair, f"Goal {n}", shared=False)["id"] for n in range(10)]
    page = goals_page(pair)
    assert "To add another, mark one reached or set it aside." in page
    assert "Add a goal" not in page
    response = pair.client.form("/journal/goals", {"text": "One more"})
    assert response.status_code == 422 and "up to 10 goals" in text_of(response)
    pair.client.form(f"/journal/goals/{ids[0]}/status", {"status": "set_aside"})
    add_goal(pair, "Room now", shared=False)
    response = pair.client.form(f"/journal/goals/{ids[0]}/status", {"status": "active"})
    assert response.status_code == 422 and "up to 10 goals" in text_of(response)


def test_changing_a_goals_words_and_sharing(pair):
    goal = add_goal(pair, GOAL)
    page = text_of(pair.client.client.get(f"/journal/goals/{goal['id']}"))
    assert "Change a goal" in page and GOAL in page and "checked" in page
    assert "Delete this goal" in page
    response = pair.client.form(f"/journal/goals/{goal['id']}", {"text": "Calmer dinners"})
    assert response.status_code == 302
    page = goals_page(pair)
    assert "Calmer dinners" in page and "Only you" in page
    bad = pair.client.form(f"/journal/goals/{goal['id']}", {"text": " ", "shared_with": "x"})
    assert bad.status_code == 422
    assert "Write 1 to 300 characters." in text_of(bad)
    assert "Choose therapists you are linked with." in text_of(bad)


def test_deleting_a_goal(pair):
    goal = add_goal(pair, GOAL)
    response = pair.client.form(f"/journal/goals/{goal['id']}/delete")
    assert response.status_code == 302
    assert GOAL not in goals_page(pair)
    assert pair.client.client.get(f"/journal/goals/{goal['id']}").status_code == 404


def test_a_suggestion_is_accepted_in_the_clients_words(pair):
    given = suggest(pair, "Sleep before midnight")
    home = text_of(pair.client.client.get("/journal"))
    assert "Dr Lee suggested a goal." in home
    page = goals_page(pair)
    assert "Dr Lee suggested a goal" in page and "Sleep before midnight" in page
    assert "Let Dr Lee see this goal" in page
    response = pair.client.form(
        f"/journal/goals/suggestions/{given['id']}",
        {"action": "accept", "text": "In bed by 11", "shared": "1"},
    )
    assert response.status_code == 302
    page = goals_page(pair)
    assert "In bed by 11" in page and "Shared with Dr Lee" in page
    theirs = text_of(pair.therapist.client.get(therapist_page(pair)))
    assert "In bed by 11" in theirs and "began as your suggestion" in theirs
    assert "Accepted" in theirs
    again = pair.client.form(f"/journal/goals/suggestions/{given['id']}", {"action": "decline"})
    assert again.status_code == 302
    assert "You have already answered this suggestion." in goals_page(pair)


def test_a_suggestion_declined_and_a_bad_answer(pair):
    given = suggest(pair, "Sleep before midnight")
    bad = pair.client.form(
        f"/journal/goals/suggestions/{given['id']}", {"action": "accept", "text": "y" * 301}
    )
    assert bad.status_code == 422
    assert "Write 1 to 300 characters." in text_of(bad) and "y" * 301 in text_of(bad)
    pair.client.form(f"/journal/goals/suggestions/{given['id']}", {"action": "decline"})
    assert "Declined. Thank you." in goals_page(pair)
    theirs = text_of(pair.therapist.client.get(therapist_page(pair)))
    assert "Declined" in theirs and "No goals shared with you" in theirs


def test_the_therapist_suggests_from_the_goals_page(pair):
    client_page = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert therapist_page(pair) in client_page
    response = pair.therapist.form(therapist_page(pair), {"text": "Walk after work"})
    assert response.status_code == 302
    page = text_of(pair.therapist.client.get(therapist_page(pair)))
    assert "Your suggestions" in page and "Walk after work" in page and "Waiting" in page
    bad = pair.therapist.form(therapist_page(pair), {"text": ""})
    assert bad.status_code == 422 and "Write 1 to 300 characters." in text_of(bad)


def test_the_home_card_shows_a_few_goals(pair):
    home = text_of(pair.client.client.get("/journal"))
    assert "What I want from therapy" in home and "Write your goals" in home
    for n in range(4):
        add_goal(pair, f"Goal number {n}", shared=False)
    home = text_of(pair.client.client.get("/journal"))
    assert "Goal number 3" in home and "Goal number 0" not in home and "All 4 goals" in home


def test_a_therapist_reading_goals_shows_in_the_access_log(pair):
    add_goal(pair, GOAL)
    pair.therapist.client.get(therapist_page(pair))
    log = text_of(pair.client.client.get("/access-log"))
    assert "looked at the goals you shared" in log


def test_the_check_in_form_offers_the_goals_worked_on(pair):
    assert "This week, on:" not in text_of(pair.client.client.get("/checkins/new"))
    goal = add_goal(pair, GOAL)
    page = text_of(pair.client.client.get("/checkins/new"))
    assert "This week, on:" in page and GOAL in page
    form = {"therapist_id": pair.therapist.user.id, "share": "shared", "goal_id": goal["id"]}
    form |= dict.fromkeys(("bond", "goals", "approach", "overall"), "7")
    assert pair.client.form("/checkins/new", form).status_code == 302
    assert "On a goal" in text_of(pair.client.client.get("/checkins"))
    theirs = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert "On a goal" in theirs and GOAL in theirs
    bad = pair.client.form("/checkins/new", {**form, "goal_id": "nope", "bond": "11"})
    assert bad.status_code == 422
    assert "Choose one of the goals you" in text_of(bad)
