"""The "what isn't working" composer: parts in, one plain feedback entry out."""

TOPICS = {
    "pace": "Pace",
    "goals": "Goals",
    "approach": "Approach or techniques",
    "heard": "Feeling heard",
    "homework": "Homework",
    "scheduling": "Scheduling",
    "fit": "Whether we're a good fit",
    "other": "Something else",
}
RAISE = {
    "read_first": "Please read this before our next session.",
    "talk": "I'd like us to talk about it together.",
    "just_so_you_know": "Just so you know. No need to bring it up unless you want to.",
}
# Our own gentle openings for someone who is stuck; none is from a published questionnaire.
STARTERS = (
    "Something I haven't found a way to say yet is…",
    "I've noticed that I feel… when we…",
    "It would help me if we…",
    "I'm not sure this is working for me, because…",
    "I find it hard when…",
    "I'd like us to spend more time on…",
    "I'd like us to spend less time on…",
    "I wonder whether we could try…",
)
QUESTION_STARTERS = (
    "I've been wondering why we…",
    "How do you usually decide…",
    "What do you expect from me between sessions?",
    "Could you tell me more about the way you work?",
)
DEFAULT_TITLE = "What isn't working for me"


def compose(parts: dict) -> dict:
    """Turn the composer's parts into the title, body and details of a feedback entry.

    The body is exactly what the therapist will read, so the preview can show it as it is.
    """
    lines = [parts["what"].strip()]
    if parts.get("instead", "").strip():
        lines += ["", "What I'd like instead: " + parts["instead"].strip()]
    if parts.get("topics"):
        lines += ["", "About: " + ", ".join(TOPICS[t] for t in parts["topics"])]
    if parts.get("difficulty") is not None:
        lines += ["", f"How hard this was to say: {parts['difficulty']} out of 10"]
    if parts.get("raise_how"):
        lines += ["", RAISE[parts["raise_how"]]]
    details = {
        key: parts.get(key) for key in ("what", "instead", "topics", "difficulty", "raise_how")
    }
    return {
        "title": parts.get("title", "").strip() or DEFAULT_TITLE,
        "body": "\n".join(lines),
        "details": details,
    }


def wording() -> dict:
    """The composer's words, for apps that draw it themselves."""
    return {
        "starters": list(STARTERS),
        "question_starters": list(QUESTION_STARTERS),
        "topics": dict(TOPICS),
        "raise_how": dict(RAISE),
    }


# Suggestions a therapist may start their note inviting honest feedback from (our own words).
INVITATION_STARTERS = (
    "I would rather hear what isn't working than have you carry it alone. Nothing you tell me "
    "about our work will upset me.",
    "If something I do or say doesn't sit right, please tell me, even if it seems small. It "
    "helps me help you.",
    "You can disagree with me. Telling me what you'd like to be different is part of the work.",
)
