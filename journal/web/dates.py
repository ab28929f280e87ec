"""Dates and times on pages: shown and typed in the signed-in user's time zone, stored in UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, has_request_context
from flask_login import current_user

from journal.devicenames import device_name
from journal.models import utcnow
from journal.models.users import DEFAULT_TIME_ZONE
from journal.zones import zone


def zone_name() -> str:
    """The signed-in user's IANA time zone name; UTC for everyone else."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.time_zone
    return DEFAULT_TIME_ZONE


def user_zone() -> ZoneInfo:
    """The signed-in user's time zone."""
    return ZoneInfo(zone_name())


def today() -> date:
    """Today's date on the signed-in user's calendar, which need not be the server's."""
    return utcnow().astimezone(user_zone()).date()


def localtime(moment: datetime, fmt: str = "%-d %b %Y") -> str:
    """Format an aware UTC moment as the user's clock shows it; %Z is "CET", or "UTC-03"."""
    try:
        local = moment.astimezone(user_zone())
    except OverflowError:  # the very edge of year 1 or 9999: UTC is still true
        local = moment
    abbreviation = local.tzname() or ""
    # Many zones have no letters, only an offset ("-03"): say whose offset it is.
    if abbreviation.startswith(("+", "-")):
        abbreviation = f"UTC{abbreviation}"
    return local.strftime(fmt.replace("%Z", abbreviation))


def from_local(moment: datetime) -> datetime:
    """Read a naive wall-clock time in the user's zone (an aware one as is) as UTC."""
    if moment.tzinfo is None:
        # fold=0: a time that happens twice when clocks go back means the first one.
        moment = moment.replace(tzinfo=user_zone())
    return moment.astimezone(UTC)


def zone_city() -> str:
    """The city the user's clock is named for ("Berlin"), to say "Berlin time"."""
    return zone(zone_name()).city


def zone_offset() -> str:
    """The user's clock's distance from UTC now ("UTC+01:00")."""
    return zone(zone_name()).offset(utcnow())


def register_dates(app: Flask) -> None:
    """Give templates the `localtime` filter and the user's zone name."""
    app.add_template_filter(localtime)
    app.add_template_filter(device_name)
    app.jinja_env.globals.update(zone_name=zone_name, zone_city=zone_city, zone_offset=zone_offset)
