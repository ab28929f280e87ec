"""Tests for the reflection prompt library."""

import datetime
import re

from journal.prompts import (
    PROMPTS,
    THEMES,
    Prompt,
    Theme,
    get_prompt,
    get_theme,
    prompt_of_the_day,
    prompts_by_theme,
)

ID_RE = re.compile(r"^[a-z0-9-]+$")


def test_has_enough_prompts():
    assert len(PROMPTS) >= 40


def test_theme_slugs_and_order():
    assert [t.slug for t in THEMES] == [
        "safe-to-be-honest",
        "feeling-understood",
        "working-together",
        "relationships",
        "self-compassion",
        "changing-approach",
        "trust-over-time",
        "right-fit",
    ]
    assert all(t.name and t.blurb for t in THEMES)


def test_every_theme_has_at_least_five_prompts():
    for theme in THEMES:
        count = sum(1 for p in PROMPTS if p.theme == theme.slug)
        assert count >= 5, theme.slug


def test_ids_unique_and_well_formed():
    ids = [p.id for p in PROMPTS]
    assert len(ids) == len(set(ids))
    for prompt_id in ids:
        assert ID_RE.match(prompt_id), prompt_id
        assert len(prompt_id) <= 40, prompt_id


def test_every_prompt_theme_exists():
    slugs = {t.slug for t in THEMES}
    for prompt in PROMPTS:
        assert prompt.theme in slugs, prompt.id


def test_texts_unique_non_empty_and_short():
    texts = [p.text for p in PROMPTS]
    assert len(texts) == len(set(texts))
    for prompt in PROMPTS:
        assert prompt.text.strip(), prompt.id
        assert len(prompt.text) < 200, prompt.id


def test_get_prompt_hit_and_miss():
    first = PROMPTS[0]
    assert get_prompt(first.id) is first
    assert isinstance(get_prompt(first.id), Prompt)
    assert get_prompt("no-such-prompt") is None
    assert get_prompt("") is None


def test_get_theme_hit_and_miss():
    assert get_theme("right-fit") is THEMES[-1]
    assert isinstance(get_theme("safe-to-be-honest"), Theme)
    assert get_theme("no-such-theme") is None


def test_prompts_by_theme_order_and_coverage():
    grouped = prompts_by_theme()
    assert [theme for theme, _ in grouped] == list(THEMES)
    flat = [p for _, prompts in grouped for p in prompts]
    assert sorted(p.id for p in flat) == sorted(p.id for p in PROMPTS)
    for theme, prompts in grouped:
        assert all(p.theme == theme.slug for p in prompts)


def test_prompt_of_the_day_is_deterministic():
    day = datetime.date(2025, 3, 14)
    assert prompt_of_the_day(day, "42") == prompt_of_the_day(day, "42")
    assert prompt_of_the_day(day) == prompt_of_the_day(day, "")


def test_prompt_of_the_day_returns_a_member():
    day = datetime.date(2025, 3, 14)
    for salt in ("", "1", "user-7"):
        assert prompt_of_the_day(day, salt) in PROMPTS


def test_prompt_of_the_day_varies_across_days():
    start = datetime.date(2025, 1, 1)
    seen = {prompt_of_the_day(start + datetime.timedelta(days=n), "7").id for n in range(60)}
    assert len(seen) > 10
