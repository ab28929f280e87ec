"""Random walks through linking, writing, sharing, withdrawing and answering, checked against a
plain model.

After every step, each therapist must be able to open exactly the entries the model says are
shared with them now (the whole current text, or only the passage), with the model's unread
counts, and nothing else: not unshared, withdrawn, expired or deleted entries, nor anything
over an ended link. A therapist can answer, change or take back an answer only on what they may
read now; the client sees each answer on the share it belongs to, through withdrawals. In the
repair ledger, the client sees every feedback and question with their latest verdict; a
therapist sees only those shared with them now, each with the last verdict the client shared.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import update

from journal.errors import AppError
from journal.extensions import db
from journal.models import MAX_ACTIVE_GOALS, Share, utcnow
from journal.services import (
    accounts,
    answers,
    entries,
    goals,
    links,
    reading,
    repairs,
    sharing,
    tasks,
)
from tests.conftest import PASSWORD

CLIENTS, THERAPISTS = 3, 2
BODIES = st.text(alphabet="ab é\n🌧", min_size=1, max_size=12)
# Mostly aim at what can succeed; one pick in four is from everything, to meet the refusals.
ANYWHERE = st.integers(0, 3).map(lambda n: n == 0)
UNTIL = st.none() | st.integers(1, 30)  # days from now
KINDS = st.sampled_from(["reflection", "feedback", "question"])
VERDICTS = st.sampled_from(["addressed", "partly", "not_yet"])
GOAL_STATUSES = st.sampled_from(["active", "reached", "set_aside"])
THERAPIST_SETS = st.sets(st.integers(0, THERAPISTS - 1), max_size=THERAPISTS)
SETTINGS = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@dataclass
class ModelEntry:
    owner: int
    body: str
    version: int = 1
    deleted: bool = False
    kind: str = "reflection"
    verdict: str = "open"  # the client's latest word in the repair ledger
    told: str = "open"  # the last verdict they chose to share


@dataclass
class ModelGoal:
    owner: int
    text: str
    shared: set[int]  # therapists who may see it (over the link live when it was shared)
    status: str = "active"


@dataclass
class ModelSuggestion:
    client: int
    therapist: int
    link_id: str
    text: str
    status: str = "waiting"


@dataclass
class ModelTask:
    client: int
    therapist: int
    link_id: str
    mark: str | None = None  # "done" or "declined", as the client said
    answer: str | None = None  # the entry that answers it


@dataclass
class ModelShare:
    passage: str | None
    state: str = "live"  # live, expired or withdrawn
    read: bool = False


class SharingMachine(RuleBasedStateMachine):
    """Clients and therapists doing random things; the model says what must be visible."""

    def __init__(self, app):
        super().__init__()
        self.app = app
        with self.request():
            _empty_the_database()
            self.clients = [_person("client", n) for n in range(CLIENTS)]
            self.therapists = [_person("therapist", n) for n in range(THERAPISTS)]
        self.links: dict[tuple[int, int], str] = {}  # (client, therapist) -> active link id
        self.ended: list[tuple[int, int, str]] = []
        self.entries: dict[str, ModelEntry] = {}
        self.shares: dict[tuple[str, str], ModelShare] = {}  # (entry id, link id) -> share
        self.answers: dict[tuple[str, str], str | None] = {}  # (entry id, link id) -> reply
        self.goals: dict[str, ModelGoal] = {}
        self.suggestions: dict[str, ModelSuggestion] = {}
        self.tasks: dict[str, ModelTask] = {}

    def teardown(self):
        with self.request():
            _empty_the_database()

    @contextmanager
    def request(self):
        """One request's worth of work: a fresh app context and database session."""
        with self.app.app_context():
            yield

    @contextmanager
    def refused(self, status: int, code: str):
        with pytest.raises(AppError) as caught:
            yield
        assert (caught.value.status, caught.value.code) == (status, code), caught.value.message

    def _forget_link(self, link_id: str) -> None:
        for key in [key for key in self.shares if key[1] == link_id]:
            del self.shares[key]

    # A start with something to share, then steps

    @initialize(
        pairs=st.sets(
            st.tuples(st.integers(0, CLIENTS - 1), st.integers(0, THERAPISTS - 1)),
            min_size=1,
            max_size=4,
        )
    )
    def some_links(self, pairs):
        for c, t in sorted(pairs):
            self.invite_and_redeem(c, t)

    @initialize(
        writes=st.lists(st.tuples(st.integers(0, CLIENTS - 1), BODIES), min_size=1, max_size=4)
    )
    def some_entries(self, writes):
        for c, body in writes:
            self.write(c, body)

    @rule(c=st.integers(0, CLIENTS - 1), t=st.integers(0, THERAPISTS - 1))
    def invite_and_redeem(self, c, t):
        with self.request():
            _, code = links.create_invite(self.therapists[t])
            if (c, t) in self.links:
                with self.refused(422, "already_linked"):
                    links.redeem(self.clients[c], code)
                return
            link = links.redeem(self.clients[c], code.lower())
        self.links[(c, t)] = link.id

    @rule(c=st.integers(0, CLIENTS - 1), body=BODIES, kind=KINDS)
    def write(self, c, body, kind="reflection"):
        data = {"id": None, "kind": kind, "title": "", "body": body, "tags": []}
        with self.request():
            view, created = entries.create(self.clients[c], data | {"prompt_id": None})
        assert created
        self.entries[view.id] = ModelEntry(c, body, kind=kind)

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), verdict=VERDICTS, shared=st.none() | st.booleans())
    def say_what_came_of_it(self, data, verdict, shared):
        entry_id = data.draw(st.sampled_from(list(self.entries)))
        entry = self.entries[entry_id]
        said = {"status": verdict, "note": None, "shared": shared}
        with self.request():
            if entry.deleted:
                with self.refused(404, "not_found"):
                    repairs.mark(self.clients[entry.owner], entry_id, said)
                return
            if entry.kind == "reflection":
                with self.refused(422, "validation_failed"):
                    repairs.mark(self.clients[entry.owner], entry_id, said)
                return
            view = repairs.mark(self.clients[entry.owner], entry_id, said)
        live = any(s.state == "live" for (e, _), s in self.shares.items() if e == entry_id)
        assert view.shared == (live if shared is None else shared)
        entry.verdict = verdict
        if view.shared:
            entry.told = verdict

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), body=BODIES)
    def edit(self, data, body):
        entry_id = data.draw(st.sampled_from(list(self.entries)))
        entry = self.entries[entry_id]
        change = {"version": entry.version, "body": body}
        with self.request():
            if entry.deleted:
                with self.refused(404, "not_found"):
                    entries.update(self.clients[entry.owner], entry_id, change)
                return
            entries.update(self.clients[entry.owner], entry_id, change)
        entry.body, entry.version = body, entry.version + 1

    def _pick(self, data, anywhere: bool, wanted) -> tuple[str, int]:
        """An (entry, therapist) pair: one the model says `wanted`, or any at all.

        Choices follow insertion order, never the random ids, so hypothesis can replay them.
        """
        pairs = [(e, t) for e in self.entries for t in range(THERAPISTS)]
        aimed = [(e, t) for e, t in pairs if wanted(e, t)]
        return data.draw(st.sampled_from(pairs if anywhere or not aimed else aimed))

    def _shareable(self, entry_id: str, t: int) -> bool:
        entry = self.entries[entry_id]
        return not entry.deleted and (entry.owner, t) in self.links

    def _withdrawable(self, entry_id: str, t: int) -> bool:
        found = self.shares.get((entry_id, self.links.get((self.entries[entry_id].owner, t))))
        return found is not None and found.state != "withdrawn"

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), anywhere=ANYWHERE, days=UNTIL)
    def share_whole(self, data, anywhere, days):
        self._share(*self._pick(data, anywhere, self._shareable), days, None)

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), anywhere=ANYWHERE, days=UNTIL)
    def share_a_passage(self, data, anywhere, days):
        entry_id, t = self._pick(data, anywhere, self._shareable)
        body = self.entries[entry_id].body
        start = data.draw(st.integers(0, len(body) - 1))
        words = body[start : data.draw(st.integers(start + 1, len(body)))]
        self._share(entry_id, t, days, words)

    def _share(self, entry_id: str, t: int, days: int | None, words: str | None) -> None:
        entry = self.entries[entry_id]
        until = utcnow() + timedelta(days=days) if days else None
        link_id = self.links.get((entry.owner, t))
        with self.request():
            call = (self.clients[entry.owner], entry_id, self.therapists[t].id)
            if entry.deleted or link_id is None:
                with self.refused(404, "not_found"):
                    sharing.share(*call, until=until, passage=words)
                return
            if words is not None and not words.strip():
                with self.refused(422, "validation_failed"):
                    sharing.share(*call, until=until, passage=words)
                return
            _, created = sharing.share(*call, until=until, passage=words)
        before = self.shares.get((entry_id, link_id))
        assert created == (before is None or before.state != "live")
        read = before.read if before and not created else False
        self.shares[(entry_id, link_id)] = ModelShare(words, "live", read)

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), anywhere=ANYWHERE)
    def withdraw(self, data, anywhere):
        entry_id, t = self._pick(data, anywhere, self._withdrawable)
        entry = self.entries[entry_id]
        link_id = self.links.get((entry.owner, t))
        found = self.shares.get((entry_id, link_id))
        with self.request():
            call = (self.clients[entry.owner], entry_id, self.therapists[t].id)
            if found is None or found.state == "withdrawn":
                with self.refused(404, "not_found"):
                    sharing.withdraw(*call)
                return
            sharing.withdraw(*call)
        found.state = "withdrawn"

    @precondition(lambda self: any(s.state == "live" for s in self.shares.values()))
    @rule(data=st.data())
    def expire(self, data):
        live = [key for key, share in self.shares.items() if share.state == "live"]
        entry_id, link_id = data.draw(st.sampled_from(live))
        with self.request():
            db.session.execute(
                update(Share)
                .where(Share.entry_id == entry_id, Share.link_id == link_id)
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
            db.session.commit()
        self.shares[(entry_id, link_id)].state = "expired"

    @precondition(lambda self: self.entries)
    @rule(data=st.data())
    def delete(self, data):
        entry_id = data.draw(st.sampled_from(list(self.entries)))
        entry = self.entries[entry_id]
        with self.request():
            if entry.deleted:
                with self.refused(404, "not_found"):
                    entries.delete(self.clients[entry.owner], entry_id)
                return
            entries.delete(self.clients[entry.owner], entry_id)
        entry.deleted = True
        for key in [key for key in self.shares if key[0] == entry_id]:
            del self.shares[key]

    @precondition(lambda self: self.links or self.ended)
    @rule(data=st.data(), by_client=st.booleans())
    def end_link(self, data, by_client):
        pairs = [(c, t, link_id) for (c, t), link_id in sorted(self.links.items())]
        c, t, link_id = data.draw(st.sampled_from(pairs + self.ended))
        actor = self.clients[c] if by_client else self.therapists[t]
        with self.request():
            if self.links.get((c, t)) != link_id:
                with self.refused(404, "not_found"):
                    links.end_link(actor, link_id)
                return
            links.end_link(actor, link_id)
        del self.links[(c, t)]
        self.ended.append((c, t, link_id))
        self._forget_link(link_id)
        for goal in self.goals.values():
            if goal.owner == c:
                goal.shared.discard(t)

    # Goals: the client's own, shared goal by goal; suggestions from a linked therapist

    def _room(self, c: int) -> bool:
        active = sum(g.owner == c and g.status == "active" for g in self.goals.values())
        return active < MAX_ACTIVE_GOALS

    def _goal_sharing(self, c: int, ts: set[int]) -> tuple[list[str], bool]:
        named = [self.therapists[t].id for t in sorted(ts)]
        return named, all((c, t) in self.links for t in ts)

    @rule(c=st.integers(0, CLIENTS - 1), text=BODIES, ts=THERAPIST_SETS)
    def add_goal(self, c, text, ts):
        named, allowed = self._goal_sharing(c, ts)
        with self.request():
            if not allowed or not self._room(c):
                with self.refused(422, "validation_failed"):
                    goals.create(self.clients[c], {"text": text, "shared_with": named})
                return
            view = goals.create(self.clients[c], {"text": text, "shared_with": named})
        self.goals[view.id] = ModelGoal(c, text, set(ts))

    @precondition(lambda self: self.goals)
    @rule(data=st.data(), ts=THERAPIST_SETS, status=GOAL_STATUSES)
    def change_goal(self, data, ts, status):
        goal_id = data.draw(st.sampled_from(list(self.goals)))
        goal = self.goals[goal_id]
        named, allowed = self._goal_sharing(goal.owner, ts)
        change = {"shared_with": named, "status": status}
        reopening = status == "active" and goal.status != "active"
        with self.request():
            if not allowed or (reopening and not self._room(goal.owner)):
                with self.refused(422, "validation_failed"):
                    goals.update(self.clients[goal.owner], goal_id, change)
                return
            goals.update(self.clients[goal.owner], goal_id, change)
        goal.shared, goal.status = set(ts), status

    @rule(c=st.integers(0, CLIENTS - 1), t=st.integers(0, THERAPISTS - 1), text=BODIES)
    def suggest_goal(self, c, t, text):
        with self.request():
            if (c, t) not in self.links:
                with self.refused(404, "not_found"):
                    goals.suggest(self.therapists[t], self.clients[c].id, text)
                return
            view = goals.suggest(self.therapists[t], self.clients[c].id, text)
        self.suggestions[view.id] = ModelSuggestion(c, t, self.links[(c, t)], text)

    @precondition(lambda self: self.suggestions)
    @rule(data=st.data(), accept=st.booleans(), words=st.none() | BODIES, shared=st.booleans())
    def answer_a_suggestion(self, data, accept, words, shared):
        suggestion_id = data.draw(st.sampled_from(list(self.suggestions)))
        made = self.suggestions[suggestion_id]
        said = {"action": "accept" if accept else "decline", "text": words, "shared": shared}
        client = self.clients[made.client]
        with self.request():
            if self.links.get((made.client, made.therapist)) != made.link_id:
                with self.refused(404, "not_found"):
                    goals.answer(client, suggestion_id, said)
                return
            if made.status != "waiting":
                with self.refused(409, "already_answered"):
                    goals.answer(client, suggestion_id, said)
                return
            if accept and not self._room(made.client):
                with self.refused(422, "validation_failed"):
                    goals.answer(client, suggestion_id, said)
                return
            view = goals.answer(client, suggestion_id, said)
        made.status = view.status
        if accept:
            sharing_with = {made.therapist} if shared else set()
            self.goals[view.goal.id] = ModelGoal(made.client, words or made.text, sharing_with)

    # Tasks: given over a live link; done for the therapist only if marked or shared

    @rule(c=st.integers(0, CLIENTS - 1), t=st.integers(0, THERAPISTS - 1))
    def give_task(self, c, t):
        data = {"text": "Try it", "due": {"date": (utcnow() + timedelta(days=30)).date()}}
        with self.request():
            if (c, t) not in self.links:
                with self.refused(404, "not_found"):
                    tasks.assign(self.therapists[t], self.clients[c].id, data)
                return
            view = tasks.assign(self.therapists[t], self.clients[c].id, data)
        self.tasks[view.id] = ModelTask(c, t, self.links[(c, t)])

    def _task_is_live(self, task: ModelTask) -> bool:
        return self.links.get((task.client, task.therapist)) == task.link_id

    @precondition(lambda self: self.tasks)
    @rule(data=st.data(), body=BODIES)
    def answer_a_task(self, data, body):
        task_id = data.draw(st.sampled_from(list(self.tasks)))
        task = self.tasks[task_id]
        made = {"id": None, "kind": "reflection", "title": "", "body": body, "tags": []}
        made |= {"prompt_id": None, "task_id": task_id}
        with self.request():
            if not self._task_is_live(task):
                with self.refused(404, "not_found"):
                    entries.create(self.clients[task.client], made)
                return
            view, _ = entries.create(self.clients[task.client], made)
        self.entries[view.id] = ModelEntry(task.client, body)
        task.answer, task.mark = view.id, None if task.mark == "declined" else task.mark

    @precondition(lambda self: self.tasks)
    @rule(data=st.data(), status=st.sampled_from(["done", "declined", "open"]))
    def mark_a_task(self, data, status):
        task_id = data.draw(st.sampled_from(list(self.tasks)))
        task = self.tasks[task_id]
        with self.request():
            if not self._task_is_live(task):
                with self.refused(404, "not_found"):
                    tasks.set_status(self.clients[task.client], task_id, status, "Why")
                return
            tasks.set_status(self.clients[task.client], task_id, status, "Why")
        task.mark = None if status == "open" else status

    def _task_status(self, task: ModelTask, for_therapist: bool) -> str:
        if task.mark:
            return task.mark
        answered = task.answer is not None and not self.entries[task.answer].deleted
        if answered and for_therapist:
            share = self.shares.get((task.answer, task.link_id))
            answered = share is not None and share.state == "live"
        return "done" if answered else "open"

    @invariant()
    def tasks_read_alike_on_both_sides_as_far_as_shared(self):
        for c, client in enumerate(self.clients):
            with self.request():
                mine = {v.id: v.status for v in tasks.for_client(client)}
            assert mine == {
                i: self._task_status(task, False)
                for i, task in self.tasks.items()
                if task.client == c and self._task_is_live(task)
            }
            for t, therapist in enumerate(self.therapists):
                if (c, t) not in self.links:
                    continue
                with self.request():
                    theirs = {v.id: v.status for v in tasks.given(therapist, client.id)}
                assert theirs == {
                    i: self._task_status(task, True)
                    for i, task in self.tasks.items()
                    if task.client == c and task.therapist == t and self._task_is_live(task)
                }

    @invariant()
    def goals_are_seen_by_their_owner_and_by_whom_they_are_shared_with(self):
        for c, client in enumerate(self.clients):
            with self.request():
                mine = {g.id: (g.text, g.status) for g in goals.all_of(client)}
            assert mine == {i: (g.text, g.status) for i, g in self.goals.items() if g.owner == c}
            for t, therapist in enumerate(self.therapists):
                with self.request():
                    if (c, t) not in self.links:
                        with self.refused(404, "not_found"):
                            goals.shared_with_therapist(therapist, client.id)
                        continue
                    seen = goals.shared_with_therapist(therapist, client.id)
                assert {g.id: (g.text, g.status) for g in seen} == {
                    i: (g.text, g.status)
                    for i, g in self.goals.items()
                    if g.owner == c and t in g.shared
                }

    def _readable(self, entry_id: str, t: int) -> bool:
        found = self.shares.get((entry_id, self.links.get((self.entries[entry_id].owner, t))))
        return found is not None and found.state == "live"

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), anywhere=ANYWHERE, reply=st.none() | BODIES)
    def answer(self, data, anywhere, reply):
        entry_id, t = self._pick(data, anywhere, self._readable)
        owner = self.clients[self.entries[entry_id].owner]
        said = {"heard": True, "reply": reply, "discuss_next_session": False}
        with self.request():
            if not self._readable(entry_id, t):
                with self.refused(404, "not_found"):
                    answers.answer_entry(self.therapists[t], owner.id, entry_id, said)
                return
            answers.answer_entry(self.therapists[t], owner.id, entry_id, said)
        self.answers[(entry_id, self.links[(self.entries[entry_id].owner, t)])] = reply

    @precondition(lambda self: self.answers)
    @rule(data=st.data(), anywhere=ANYWHERE)
    def take_an_answer_back(self, data, anywhere):
        entry_id, t = self._pick(data, anywhere, self._readable)
        owner = self.clients[self.entries[entry_id].owner]
        with self.request():
            if not self._readable(entry_id, t):
                with self.refused(404, "not_found"):
                    answers.withdraw_entry_answer(self.therapists[t], owner.id, entry_id)
                return
            answers.withdraw_entry_answer(self.therapists[t], owner.id, entry_id)
        self.answers.pop((entry_id, self.links[(self.entries[entry_id].owner, t)]), None)

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), intruder=st.integers(0, CLIENTS - 1), t=st.integers(0, THERAPISTS - 1))
    def someone_else_tries(self, data, intruder, t):
        """Another client can neither share, withdraw, edit nor delete someone's entry."""
        mine = [e for e, entry in self.entries.items() if entry.owner != intruder]
        if not mine:
            return
        entry_id = data.draw(st.sampled_from(mine))
        actor = self.clients[intruder]
        with self.request():
            for call in (
                lambda: sharing.share(actor, entry_id, self.therapists[t].id),
                lambda: sharing.withdraw(actor, entry_id, self.therapists[t].id),
                lambda: entries.update(actor, entry_id, {"version": 1, "body": "Mine now"}),
                lambda: entries.delete(actor, entry_id),
            ):
                with self.refused(404, "not_found"):
                    call()
                db.session.rollback()

    # What must hold after every step

    def _visible(self, c: int, t: int) -> dict[str, ModelShare]:
        link_id = self.links.get((c, t))
        return {
            entry_id: share
            for (entry_id, lid), share in self.shares.items()
            if lid == link_id and share.state == "live"
        }

    @invariant()
    def clients_see_who_their_entries_are_shared_with(self):
        for c, client in enumerate(self.clients):
            live = sorted(e for e, entry in self.entries.items() if entry.owner == c)
            live = [e for e in live if not self.entries[e].deleted]
            with self.request():
                found = sharing.statuses(client, live)
            expected = {e: set() for e in live}
            for t, therapist in enumerate(self.therapists):
                link_id = self.links.get((c, t))
                for entry_id, share in self._visible(c, t).items():
                    answer = self.answers.get((entry_id, link_id), "none")
                    expected[entry_id].add((therapist.id, share.passage, share.read, answer))
            got = {
                e: {
                    (
                        s.therapist_id,
                        s.passage,
                        s.read_at is not None,
                        s.answer.reply if s.answer else "none",
                    )
                    for s in statuses
                }
                for e, statuses in found.items()
            }
            assert got == expected

    @invariant()
    def clients_see_their_whole_ledger(self):
        for c, client in enumerate(self.clients):
            with self.request():
                items = repairs.client_ledger(client, limit=100).items
            assert {item.entry_id: item.status for item in items} == {
                e: entry.verdict
                for e, entry in self.entries.items()
                if entry.owner == c and not entry.deleted and entry.kind != "reflection"
            }

    @invariant()
    def therapists_see_exactly_what_is_shared_now(self):
        for t, therapist in enumerate(self.therapists):
            with self.request():
                unread = {s.id: s.unread_count for s in reading.clients(therapist)}
            assert unread == {
                self.clients[c].id: sum(not s.read for s in self._visible(c, t).values())
                for (c, tt) in self.links
                if tt == t
            }
            for c, client in enumerate(self.clients):
                with self.request():
                    self._check_reading(c, t, therapist, client)

    def _check_reading(self, c, t, therapist, client):
        if (c, t) not in self.links:
            with self.refused(404, "not_found"):
                reading.shared_entries(therapist, client.id)
            return
        expected = self._visible(c, t)
        page = reading.shared_entries(therapist, client.id, limit=100)
        assert page.next_cursor is None
        listed = {i.entry_id: (i.passage, i.read_at is not None) for i in page.items}
        assert listed == {e: (s.passage is not None, s.read) for e, s in expected.items()}
        bodies = {e: reading.read(therapist, client.id, e).body for e in listed}
        assert bodies == {e: s.passage or self.entries[e].body for e, s in expected.items()}
        given = {e: answers.given(therapist, client.id, e) for e in listed}
        link_id = self.links[(c, t)]
        assert {e: a.reply for e, a in given.items() if a} == {
            e: self.answers[(e, link_id)] for e in listed if (e, link_id) in self.answers
        }
        ledger = repairs.therapist_ledger(therapist, client.id, limit=100)
        assert {item.entry_id: item.status for item in ledger.items} == {
            e: self.entries[e].told for e in expected if self.entries[e].kind != "reflection"
        }
        for share in expected.values():
            share.read = True
        for entry_id, entry in self.entries.items():
            if entry.owner == c and entry_id not in expected:
                with self.refused(404, "not_found"):
                    reading.read(therapist, client.id, entry_id)


def _person(role: str, n: int):
    user = accounts.register(f"{role}{n}@machine.test", PASSWORD, f"{role.title()} {n}", role)
    db.session.refresh(user)
    db.session.expunge(user)
    return user


def _empty_the_database() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_what_therapists_can_read_always_matches_the_model(app):
    run_state_machine_as_test(lambda: SharingMachine(app), settings=SETTINGS)
