"""The app as the benchmarks serve it: as in production, but with sign-in limits off.

Only the sign-in routes have rate limits; the sign-in scenario would measure 429s otherwise.
"""

from pathlib import Path

from journal import create_app
from journal.config import Config

config = Config(str(Path(__file__).resolve().parent / "work" / "instance"))
config.RATELIMIT_ENABLED = False
app = create_app(config)
