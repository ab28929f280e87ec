"""Page blueprints: server-rendered, working without JavaScript."""

from journal.web import account, auth, journal, pages, pwa, therapist, twofactor


def blueprints():
    """Every page blueprint, in the order they are mounted."""
    return [pages.bp, auth.bp, journal.bp, account.bp, twofactor.bp, therapist.bp, pwa.bp]
