"""Answering from the pages: the therapist's form on a shared entry; the client's entry and home."""

from tests.test_web_links import link_up, pair, share, text_of

__all__ = ["link_up", "pair"]  # the fixture, imported for this module's tests

REPLY = "Thank you for telling me. Let's start with this on Tuesday."


def shared_feedback(app, pair, make_entry):
    entry = make_entry(pair.client.user, "The pace feels rushed.", kind="feedback", title="Pace")
    share(app, pair.client.user, entry.id, pair.therapist.user)
    return entry.id


def entry_page(pair, entry_id):
    return f"/therapist/clients/{pair.client.user.id}/entries/{entry_id}"


def test_the_therapist_answers_and_the_client_sees_it(app, pair, make_entry):
    entry_id = shared_feedback(app, pair, make_entry)
    page = text_of(pair.therapist.client.get(entry_page(pair, entry_id)))
    assert "Your answer" in page and "Send answer" in page
    assert 'name="heard" value="true" checked' in page
    form = {"heard": "true", "discuss_next_session": "true", "reply": REPLY}
    response = pair.therapist.form(f"{entry_page(pair, entry_id)}/answer", form)
    assert response.status_code == 302 and response.location.endswith(entry_page(pair, entry_id))
    page = text_of(pair.therapist.client.get(entry_page(pair, entry_id)))
    assert "You answered" in page and "Change answer" in page and REPLY in page
    assert "Take my answer back" in page

    mine = text_of(pair.client.client.get(f"/journal/{entry_id}"))
    assert "Heard by Dr Lee" in mine and REPLY in mine
    assert "Dr Lee would like to talk about this next session." in mine
    home = text_of(pair.client.client.get("/journal"))
    assert "Replies" in home and "heard by Dr Lee" in home and "· new" in home
    again = text_of(pair.client.client.get("/journal"))
    assert "Replies" in again and "· new" not in again  # seen since the last look


def test_no_box_ticked_keeps_the_reply_and_says_why(app, pair, make_entry):
    entry_id = shared_feedback(app, pair, make_entry)
    response = pair.therapist.form(f"{entry_page(pair, entry_id)}/answer", {"reply": REPLY})
    assert response.status_code == 422
    page = text_of(response)
    assert "Mark it heard, ask to talk about it next session, or both." in page
    assert REPLY in page and 'name="heard" value="true" checked' not in page


def test_an_overlong_reply_is_kept_and_explained(app, pair, make_entry):
    entry_id = shared_feedback(app, pair, make_entry)
    words = "Thank you. " * 100
    form = {"heard": "true", "reply": words}
    response = pair.therapist.form(f"{entry_page(pair, entry_id)}/answer", form)
    assert response.status_code == 422
    page = text_of(response)
    assert "Write 1 to 1,000 characters" in page and words.strip() in page


def test_taking_the_answer_back(app, pair, make_entry):
    entry_id = shared_feedback(app, pair, make_entry)
    pair.therapist.form(f"{entry_page(pair, entry_id)}/answer", {"heard": "true"})
    response = pair.therapist.form(f"{entry_page(pair, entry_id)}/answer/withdraw")
    assert response.status_code == 302
    assert "Your answer was taken back." in text_of(
        pair.therapist.client.get(entry_page(pair, entry_id))
    )
    assert "Heard by" not in text_of(pair.client.client.get(f"/journal/{entry_id}"))
    assert "Replies" not in text_of(pair.client.client.get("/journal"))


def test_nothing_to_answer_when_not_shared(app, pair, make_entry):
    entry = make_entry(pair.client.user, "Private words.")
    url = f"{entry_page(pair, entry.id)}/answer"
    assert pair.therapist.form(url, {"heard": "true"}).status_code == 404
    assert pair.client.form(url, {"heard": "true"}).status_code == 403


def shared_checkin(pair):
    ratings = dict.fromkeys(("bond", "goals", "approach", "overall"), 6)
    body = {"therapist_id": pair.therapist.user.id, "shared": True, "note": "Tired today"}
    return pair.client.post("/api/v1/checkins", body | ratings).get_json()["id"]


def test_answering_a_check_in(app, pair):
    checkin_id = shared_checkin(pair)
    url = f"/therapist/clients/{pair.client.user.id}/checkins/{checkin_id}/answer"
    page = text_of(pair.therapist.client.get(url))
    assert "Total 24 of 40" in page and "Tired today" in page and "Send answer" in page
    listing = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert f'href="{url}">Answer<' in listing
    response = pair.therapist.form(url, {"heard": "true", "reply": REPLY})
    assert response.status_code == 302
    listing = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert f'href="{url}">Answered<' in listing
    mine = text_of(pair.client.client.get("/checkins"))
    assert "What your therapist said" in mine and "Heard by Dr Lee" in mine and REPLY in mine
    bad = pair.therapist.form(url, {"reply": "x" * 1001})
    assert bad.status_code == 422 and "Write 1 to 1,000 characters" in text_of(bad)
    assert pair.therapist.form(f"{url}/withdraw").status_code == 302
    assert "What your therapist said" not in text_of(pair.client.client.get("/checkins"))


def test_a_private_check_in_has_no_answer_page(app, pair):
    ratings = dict.fromkeys(("bond", "goals", "approach", "overall"), 6)
    body = {"therapist_id": pair.therapist.user.id, "shared": False} | ratings
    checkin_id = pair.client.post("/api/v1/checkins", body).get_json()["id"]
    url = f"/therapist/clients/{pair.client.user.id}/checkins/{checkin_id}/answer"
    assert pair.therapist.client.get(url).status_code == 404
    assert pair.therapist.form(url, {"heard": "true"}).status_code == 404


def test_a_dip_comes_with_the_note_a_guide_and_a_way_to_answer(app, pair):
    therapist_id = pair.therapist.user.id
    for score, note in ((9, ""), (5, "I left feeling unheard")):
        ratings = dict.fromkeys(("bond", "goals", "approach", "overall"), score)
        body = {"therapist_id": therapist_id, "shared": True, "note": note} | ratings
        latest = pair.client.post("/api/v1/checkins", body).get_json()["id"]
    page = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert "Check-ins have dipped" in page and "I left feeling unheard" in page
    assert "Ways to meet a dip" in page and "Own your part in it" in page
    url = f"/therapist/clients/{pair.client.user.id}/checkins/{latest}/answer"
    assert f'href="{url}">Answer the latest check-in' in page


def test_no_dip_no_guide(app, pair):
    ratings = dict.fromkeys(("bond", "goals", "approach", "overall"), 10)
    body = {"therapist_id": pair.therapist.user.id, "shared": True} | ratings
    pair.client.post("/api/v1/checkins", body)
    page = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert "Ways to meet a dip" not in page
