"""Every page of the app, as each kind of visitor reaches it: the list the page checks walk."""

SIGNED_OUT = ["/", "/login", "/register", "/offline", "/no-such-page"]
CLIENT = [
    "/journal",
    "/journal/new",
    "/journal/{entry}",
    "/journal/{entry}/edit",
    "/journal/{entry}/delete",
    "/journal/prompts",
    "/journal/new?kind=question",
    "/feedback/new",
    "/checkins",
    "/checkins/new",
    "/join",
    "/join/{code}",
    "/links",
    "/links/{link}/sessions",
    "/links/{link}/end",
    "/prepare/{session}",
    "/prepare/{past}",
    "/access-log",
    "/account",
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
    "/logout",
    "/offline",
    "/journal",
    "/journal/new",
    "/journal/<entry_id>",
    "/journal/<entry_id>/edit",
    "/journal/<entry_id>/delete",
    "/journal/prompts",
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
    "/join",
    "/join/<code>",
    "/links",
    "/links/<link_id>/sessions",
    "/links/<link_id>/end",
    "/prepare/<session_id>",
    "/access-log",
    "/account/two-factor",
    "/login/code",
}
NOT_PAGES = {"/healthz", "/sw.js", "/manifest.webmanifest", "/static/<path:filename>"}
NOT_PAGES |= {"/feedback/preview"}  # opened by address, it only sends you to the composer
