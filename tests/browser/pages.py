"""Every page of the app, as each kind of visitor reaches it: the list the page checks walk."""

SIGNED_OUT = ["/", "/login", "/register", "/forgot", "/reset/a-link-that-expired", "/offline"]
SIGNED_OUT += ["/confirm-email/a-link-that-expired"]
SIGNED_OUT += ["/no-such-page"]
CLIENT = [
    "/journal",
    "/journal/new",
    "/journal/{entry}",
    "/journal/{entry}/edit",
    "/journal/{entry}/delete",
    "/journal/prompts",
    "/journal/print",
    "/journal/ledger",
    "/journal/goals",
    "/journal/goals/{goal}",
    "/journal/tasks",
    "/journal/shared",
    "/journal/import",
    "/journal/new?task={task}",
    "/journal/after/{past}",
    "/journal/new?kind=question",
    "/feedback/new",
    "/checkins",
    "/checkins/new",
    "/join",
    "/join/{code}",
    "/links",
    "/links/{link}/sessions",
    "/links/{past_link}/sessions",
    "/prepare/{ended_past}",
    "/links/{link}/end",
    "/prepare/{session}",
    "/prepare/{past}",
    "/access-log",
    "/account",
    "/account/time-zone?q=berlin",
    "/account/export",
    "/account/delete",
    "/account/two-factor",
    "/logout",
    "/offline",
]
THERAPIST = [
    "/therapist",
    "/therapist/clients/{client}",
    "/therapist/clients/{client}/entries/{entry}",
    "/therapist/clients/{client}/entries/{passage}",
    "/therapist/clients/{client}/sessions/{past}",
    "/therapist/clients/{client}/checkins/{checkin}/answer",
    "/therapist/clients/{client}/ledger",
    "/therapist/clients/{client}/goals",
    "/therapist/clients/{client}/tasks",
    "/therapist/clients/{client}/end",
    "/account",
    "/account/two-factor",
    "/logout",
]
# Reached during a therapist's sign-in, after the password: checked in that flow.
SIGN_IN_STEPS = ["/login/code"]

# GET page rules of the app that the lists above cover (a test keeps this in step with the app).
COVERED_RULES = {
    "/",
    "/login",
    "/register",
    "/forgot",
    "/reset/<token>",
    "/confirm-email/<token>",
    "/logout",
    "/offline",
    "/journal",
    "/journal/new",
    "/journal/<entry_id>",
    "/journal/<entry_id>/edit",
    "/journal/<entry_id>/delete",
    "/journal/prompts",
    "/journal/print",
    "/journal/ledger",
    "/journal/goals",
    "/journal/goals/<goal_id>",
    "/journal/tasks",
    "/journal/shared",
    "/journal/import",
    "/journal/after/<session_id>",
    "/feedback/new",
    "/checkins",
    "/checkins/new",
    "/account",
    "/account/export",
    "/account/delete",
    "/therapist",
    "/therapist/clients/<client_id>",
    "/therapist/clients/<client_id>/entries/<entry_id>",
    "/therapist/clients/<client_id>/sessions/<session_id>",
    "/therapist/clients/<client_id>/end",
    "/therapist/clients/<client_id>/ledger",
    "/therapist/clients/<client_id>/goals",
    "/therapist/clients/<client_id>/tasks",
    "/therapist/clients/<client_id>/checkins/<checkin_id>/answer",
    "/join",
    "/join/<code>",
    "/links",
    "/links/<link_id>/sessions",
    "/links/<link_id>/end",
    "/prepare/<session_id>",
    "/access-log",
    "/account/two-factor",
    "/account/time-zone",
    "/login/code",
}
NOT_PAGES = {"/healthz", "/sw.js", "/manifest.webmanifest", "/static/<path:filename>"}
NOT_PAGES |= {"/feedback/preview"}
# The quick exit's neutral page holds nothing of the app on purpose (no footer, no name):
# walked in tests/browser/test_app_lock.py.
NOT_PAGES |= {"/away"}
# The readable archive is a ZIP download, not a page: tests/browser/test_archive.py.
NOT_PAGES |= {"/account/export/archive"}
# Shown once, right after making an invite: walked in tests/browser/test_invite_journey.py.
NOT_PAGES |= {"/therapist/invites/new"}  # opened by address, it only sends you to the composer
# The calendar feed is iCalendar, not a page; its address is shown once after making it (by
# address, it only sends you back to the account page): tests/test_calendar.py.
NOT_PAGES |= {"/calendar/<token>.ics", "/account/calendar-feed/new"}
# An import's report exists only after an import: walked in tests/browser/test_imports_page.py.
NOT_PAGES |= {"/journal/import/<import_id>"}
