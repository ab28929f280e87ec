"""Page blueprints: server-rendered, working without JavaScript."""

from journal.web import (
    access_log,
    account,
    addresses,
    answers,
    auth,
    bridges,
    checkins,
    feedback,
    goals,
    journal,
    links,
    pages,
    prepare,
    pwa,
    recovery,
    repairs,
    shares,
    tasks,
    therapist,
    twofactor,
)


def blueprints():
    """Every page blueprint, in the order they are mounted."""
    return [
        pages.bp,
        auth.bp,
        recovery.bp,
        addresses.bp,
        journal.bp,
        feedback.bp,
        checkins.bp,
        shares.bp,
        account.bp,
        twofactor.bp,
        therapist.bp,
        answers.bp,
        repairs.bp,
        goals.bp,
        tasks.bp,
        bridges.bp,
        links.bp,
        prepare.bp,
        access_log.bp,
        pwa.bp,
    ]
