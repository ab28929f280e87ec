"""Time zones as people know them: a city, its country and the clock's offset now, found by any
of those words, from Babel's CLDR names (no hand-made table), so no one scrolls 597 raw names."""

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel.core import get_global
from babel.dates import get_timezone_location, get_timezone_name

from journal.models.users import time_zones

LOCALE = "en"


@dataclass(frozen=True)
class Zone:
    """One zone: its IANA name, and the words a person would look for it by."""

    name: str
    city: str
    country: str
    clock: str  # "Central European Time"

    def offset(self, moment: datetime) -> str:
        """The clock's distance from UTC at that moment: "UTC+01:00"."""
        delta = moment.astimezone(ZoneInfo(self.name)).utcoffset()
        minutes = int(delta.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    @property
    def place(self) -> str:
        """ "Berlin, Germany", or just "UTC"."""
        return f"{self.city}, {self.country}" if self.country else self.city


def _folded(text: str) -> str:
    """Lower case, accents off: "Zürich" is found by "zurich"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _zone(name: str) -> Zone:
    city = get_timezone_location(name, locale=LOCALE, return_city=True)
    region = get_timezone_location(name, locale=LOCALE)  # "Germany (Berlin) Time"
    country = region.removesuffix(" Time").split(" (")[0]
    if country.startswith("Unknown Region") or country == "world":
        country = ""
    clock = get_timezone_name(name, width="long", locale=LOCALE)
    if name == "UTC":
        clock = "Coordinated Universal Time"
    return Zone(name, city, country, clock)


@cache
def all_zones() -> tuple[Zone, ...]:
    """Every zone a person might live in, once each (CLDR's old alias names left out), by place."""
    aliases = get_global("zone_aliases")
    names = {n for n in time_zones() if n not in aliases and "/" in n and not n.startswith("Etc/")}
    zones = {}
    for made in sorted((_zone(n) for n in names | {"UTC"}), key=lambda z: z.name):
        zones.setdefault(made.place, made)  # two names for one place: the first is enough
    return tuple(sorted(zones.values(), key=lambda z: _folded(z.place)))


@cache
def zone(name: str) -> Zone:
    """One zone by its IANA name (any name the system knows, aliases too)."""
    return _zone(name)


def search(words: str, limit: int = 25) -> list[Zone]:
    """Zones whose city, country, clock or IANA name holds every word typed: a city or country
    named exactly first, then those beginning with the first word."""
    terms = _folded(words).replace(",", " ").split()
    if not terms:
        return []
    found = [
        z
        for z in all_zones()
        if all(t in _folded(f"{z.place} {z.clock} {z.name.replace('_', ' ')}") for t in terms)
    ]
    whole = " ".join(terms)

    def rank(z: Zone) -> int:
        city, country = _folded(z.city), _folded(z.country)
        if whole in (city, country):
            return 0
        if city.startswith(terms[0]):
            return 1
        return 2 if country.startswith(terms[0]) or _folded(z.clock).startswith(whole) else 3

    return sorted(found, key=rank)[:limit]


def count(words: str) -> int:
    """How many zones match, for "the first 25 of 43"."""
    return len(search(words, limit=len(all_zones())))
