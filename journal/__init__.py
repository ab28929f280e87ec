"""Alliance Journal: a private journal for the space between therapy sessions."""

import os

from flask import Flask

from journal.api import bp as api_bp
from journal.auth import register_auth
from journal.bootstrap import (
    apply_config,
    bind_database,
    load_keyring,
    trust_proxies,
    warn_if_limits_are_per_worker,
)
from journal.cli import commands
from journal.config import Config
from journal.errors import register_error_handlers
from journal.extensions import csrf, db, limiter, migrate
from journal.jsonbody import SafeJSONProvider
from journal.mailer import init_mail
from journal.security import register_security
from journal.web import blueprints
from journal.web.dates import register_dates
from journal.web.forms import register_form_helpers


def create_app(config: Config | dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, errors, commands, security."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.json = SafeJSONProvider(app)
    apply_config(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_dates(app)
    register_form_helpers(app)
    register_error_handlers(app)
    register_commands(app)
    register_security(app)
    trust_proxies(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    bind_database(app)
    migrate.init_app(
        app, db, directory=os.path.join(app.root_path, "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    warn_if_limits_are_per_worker(app)
    init_mail(app)
    register_auth(app)
    load_keyring(app)


def register_blueprints(app: Flask) -> None:
    """Mount the pages and the API."""
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.register_blueprint(api_bp)


def register_commands(app: Flask) -> None:
    """Add the flask CLI commands."""
    for command in commands():
        app.cli.add_command(command)
