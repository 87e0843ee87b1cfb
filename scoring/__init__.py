"""Patient involvement in NHS procurement: the Flask application factory."""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask

from .extensions import csrf, db, login_manager, migrate

REPO_ROOT = Path(__file__).resolve().parent.parent

# Each entry is "module:attribute" of a Blueprint; one per audience or job.
BLUEPRINTS = [
    "scoring.assets:bp",
    "scoring.auth.routes:bp",
    "scoring.evaluate.routes:bp",
    "scoring.admin.routes:bp",
    "scoring.leads:bp",
    "scoring.documents:bp",
    "scoring.moderation.routes:bp",
    "scoring.moderation.results:bp",
    "scoring.planning:bp",
    "scoring.exports:bp",
    "scoring.award:bp",
    "scoring.review:bp",
]


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides the environment (tests pass a database URL)."""
    app = Flask(
        __name__,
        instance_path=str(REPO_ROOT / "instance"),
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
    )
    from .config import Config

    app.config.from_mapping(Config.from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)

    from . import database, errors, input_guard, security, templating, transaction

    input_guard.configure_converters(app)
    transaction.configure(app)
    database.configure(app)
    security.configure(app)
    templating.configure(app)
    errors.configure(app)
    input_guard.configure(app)

    for target in BLUEPRINTS:
        module_name, attribute = target.split(":")
        app.register_blueprint(getattr(importlib.import_module(module_name), attribute))

    from .cli import register_commands

    register_commands(app)
    return app
