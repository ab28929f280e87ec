"""Reflection prompts and themes for the journal, written in our own words."""

import datetime
import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    blurb: str


@dataclass(frozen=True)
class Prompt:
    id: str
    theme: str
    text: str


THEMES: tuple[Theme, ...] = (
    Theme(
        slug="safe-to-be-honest",
        name="Feeling safe to be honest",
        blurb="How easy or hard it feels to say what is really on your mind.",
    ),
    Theme(
        slug="feeling-understood",
        name="Feeling understood",
        blurb="Moments when you felt heard, and moments when you did not.",
    ),
    Theme(
        slug="working-together",
        name="Working together",
        blurb="Whether therapy feels like something you shape together.",
    ),
    Theme(
        slug="relationships",
        name="You and other people",
        blurb="How this relationship compares with others in your life.",
    ),
    Theme(
        slug="self-compassion",
        name="Being kind to yourself",
        blurb="Making room for gentleness, especially after a hard day.",
    ),
    Theme(
        slug="changing-approach",
        name="When needs change",
        blurb="Noticing when the pace, focus or way of working could shift.",
    ),
    Theme(
        slug="trust-over-time",
        name="Trust takes time",
        blurb="How trust has grown, wobbled or stayed the same along the way.",
    ),
    Theme(
        slug="right-fit",
        name="Finding the right fit",
        blurb="Checking in with yourself about whether this is the right match.",
    ),
)


PROMPTS: tuple[Prompt, ...] = (
    # Feeling safe to be honest
    Prompt(
        "honest-01",
        "safe-to-be-honest",
        "Was there something you thought about saying in your last session but held back? "
        "What made it hard?",
    ),
    Prompt(
        "honest-02",
        "safe-to-be-honest",
        "When did you last feel free to say exactly what you meant with your therapist?",
    ),
    Prompt(
        "honest-03",
        "safe-to-be-honest",
        "What would help you feel a little safer bringing up something difficult?",
    ),
    Prompt(
        "honest-04",
        "safe-to-be-honest",
        "Is there a topic you tend to steer around in sessions? You can just name it here "
        "for yourself.",
    ),
    Prompt(
        "honest-05",
        "safe-to-be-honest",
        "How does your body feel when you are about to share something personal in the room?",
    ),
    Prompt(
        "honest-06",
        "safe-to-be-honest",
        "If you imagine telling your therapist something honest about how therapy is going, "
        "what do you picture happening?",
    ),
    Prompt(
        "honest-07",
        "safe-to-be-honest",
        "Think of a time you said something hard and it went better than you expected. "
        "What made that possible?",
    ),
    # Feeling understood
    Prompt(
        "understood-01",
        "feeling-understood",
        "Was there a moment in your last session when you felt truly heard? What was happening?",
    ),
    Prompt(
        "understood-02",
        "feeling-understood",
        "Was there a moment when you felt misunderstood? What would you have wanted your "
        "therapist to get?",
    ),
    Prompt(
        "understood-03",
        "feeling-understood",
        "What is one thing about you that you wish your therapist understood better?",
    ),
    Prompt(
        "understood-04",
        "feeling-understood",
        "How can you tell when your therapist is really following you?",
    ),
    Prompt(
        "understood-05",
        "feeling-understood",
        "Did anything your therapist said stay with you after the session? What did it mean "
        "to you?",
    ),
    Prompt(
        "understood-06",
        "feeling-understood",
        "When you feel understood, what changes for you, in the room or afterwards?",
    ),
    Prompt(
        "understood-07",
        "feeling-understood",
        "Is there something you have explained more than once that still does not seem to land?",
    ),
    # Working together
    Prompt(
        "together-01",
        "working-together",
        "In your own words, what are you and your therapist working towards right now?",
    ),
    Prompt(
        "together-02",
        "working-together",
        "Does your last session feel like something you did together, or something that "
        "happened to you?",
    ),
    Prompt(
        "together-03",
        "working-together",
        "What part of how you work together feels most useful to you at the moment?",
    ),
    Prompt(
        "together-04",
        "working-together",
        "Is there something you would like more say in, like the topics, the pace or what "
        "happens between sessions?",
    ),
    Prompt(
        "together-05",
        "working-together",
        "What helped most in your last session, and what helped least?",
    ),
    Prompt(
        "together-06",
        "working-together",
        "Do your goals for therapy still feel like your own? What would you add or let go of?",
    ),
    Prompt(
        "together-07",
        "working-together",
        "If you could plan the start of your next session, what would you want to talk about "
        "first?",
    ),
    # The relationship and other relationships
    Prompt(
        "relationships-01",
        "relationships",
        "Does anything about how you relate to your therapist remind you of another "
        "relationship in your life?",
    ),
    Prompt(
        "relationships-02",
        "relationships",
        "Is there something you have been able to say in therapy that you find hard to say "
        "elsewhere?",
    ),
    Prompt(
        "relationships-03",
        "relationships",
        "How do you usually handle disagreement with people close to you? Does it look "
        "similar in therapy?",
    ),
    Prompt(
        "relationships-04",
        "relationships",
        "What have you learned in therapy about what you need from other people?",
    ),
    Prompt(
        "relationships-05",
        "relationships",
        "Who in your life makes you feel listened to? How does that compare with your sessions?",
    ),
    Prompt(
        "relationships-06",
        "relationships",
        "Have you noticed any small change in how you show up with friends, family or "
        "colleagues lately?",
    ),
    Prompt(
        "relationships-07",
        "relationships",
        "If you tried something new with someone this week, how did it go, and what did you "
        "notice?",
    ),
    # Being kind to yourself
    Prompt(
        "kindness-01",
        "self-compassion",
        "If a good friend had the week you just had, what would you want to say to them?",
    ),
    Prompt(
        "kindness-02",
        "self-compassion",
        "What is one thing you handled a little better than before, even if it felt small?",
    ),
    Prompt(
        "kindness-03",
        "self-compassion",
        "After a hard session or a setback, what helps you be gentle with yourself?",
    ),
    Prompt(
        "kindness-04",
        "self-compassion",
        "Is there something you are being hard on yourself about right now? What might a "
        "kinder view sound like?",
    ),
    Prompt(
        "kindness-05",
        "self-compassion",
        "What would it look like to give yourself the same patience your therapist gives you?",
    ),
    Prompt(
        "kindness-06",
        "self-compassion",
        "Take a moment to notice how you are feeling right now, without needing to change it. "
        "What is there?",
    ),
    Prompt(
        "kindness-07",
        "self-compassion",
        "What is something you did this week simply to look after yourself?",
    ),
    # When needs change
    Prompt(
        "approach-01",
        "changing-approach",
        "Does the pace of your sessions feel right lately, or would you like it faster or slower?",
    ),
    Prompt(
        "approach-02",
        "changing-approach",
        "Is there a way of working in sessions that used to help but does not fit as well now?",
    ),
    Prompt(
        "approach-03",
        "changing-approach",
        "Has what you want from therapy shifted since you started? How would you describe it "
        "today?",
    ),
    Prompt(
        "approach-04",
        "changing-approach",
        "Is there something you would like to try differently in your sessions?",
    ),
    Prompt(
        "approach-05",
        "changing-approach",
        "Are there any exercises or tasks between sessions that feel helpful, or that feel "
        "like too much?",
    ),
    Prompt(
        "approach-06",
        "changing-approach",
        "Is there a question about your therapist's approach or style you have been curious about?",
    ),
    Prompt(
        "approach-07",
        "changing-approach",
        "What is going on in your life right now that your sessions might need to make room for?",
    ),
    # Trust takes time
    Prompt(
        "trust-01",
        "trust-over-time",
        "How does your trust in your therapist today compare with how it felt at the start?",
    ),
    Prompt(
        "trust-02",
        "trust-over-time",
        "Was there a moment that made trust grow a little? What happened?",
    ),
    Prompt(
        "trust-03",
        "trust-over-time",
        "Has anything shaken your trust recently? It is okay to write it down, even if you "
        "are not ready to share it.",
    ),
    Prompt(
        "trust-04",
        "trust-over-time",
        "What would your therapist need to know or do for you to trust them a bit more?",
    ),
    Prompt(
        "trust-05",
        "trust-over-time",
        "Is there something you are slowly getting ready to talk about? There is no rush.",
    ),
    Prompt(
        "trust-06",
        "trust-over-time",
        "What does trust feel like for you, and how do you notice it growing?",
    ),
    Prompt(
        "trust-07",
        "trust-over-time",
        "Looking back over your sessions so far, what has surprised you?",
    ),
    # Finding the right fit
    Prompt(
        "fit-01",
        "right-fit",
        "How do you usually feel walking out of a session? Has that changed over time?",
    ),
    Prompt(
        "fit-02",
        "right-fit",
        "What feels like a good match between you and your therapist, and what feels less so?",
    ),
    Prompt(
        "fit-03",
        "right-fit",
        "If you have had doubts about whether this is the right fit, what are they telling you?",
    ),
    Prompt(
        "fit-04",
        "right-fit",
        "What would you need from therapy for it to feel worth the time and effort?",
    ),
    Prompt(
        "fit-05",
        "right-fit",
        "Is there something about your therapist's style you would like to talk through with them?",
    ),
    Prompt(
        "fit-06",
        "right-fit",
        "It is okay to wonder whether this is the right fit. What would help you find out?",
    ),
    Prompt(
        "fit-07",
        "right-fit",
        "What has this relationship given you so far, and what is still missing?",
    ),
)


_BY_ID: dict[str, Prompt] = {prompt.id: prompt for prompt in PROMPTS}
_THEMES_BY_SLUG: dict[str, Theme] = {theme.slug: theme for theme in THEMES}


def get_prompt(prompt_id: str) -> Prompt | None:
    """Return the prompt with this id, or None if there is none."""
    return _BY_ID.get(prompt_id)


def get_theme(slug: str) -> Theme | None:
    """Return the theme with this slug, or None if there is none."""
    return _THEMES_BY_SLUG.get(slug)


def prompts_by_theme() -> list[tuple[Theme, list[Prompt]]]:
    """Return each theme with its prompts, in THEMES order."""
    return [(theme, [p for p in PROMPTS if p.theme == theme.slug]) for theme in THEMES]


def prompt_of_the_day(day: datetime.date, salt: str = "") -> Prompt:
    """Return a prompt chosen deterministically from the day and an optional salt."""
    digest = hashlib.sha256(f"{day.isoformat()}:{salt}".encode()).digest()
    return PROMPTS[int.from_bytes(digest, "big") % len(PROMPTS)]
