"""Serves the front-end assets that the set-up installed from npm: the NHS.UK frontend,
and the Tabler icons (MIT licence) that stand beside each point of an easy-read report.

They are read from node_modules rather than copied into static/ so that the
repository never holds a second, drifting copy of the design system.
"""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from . import REPO_ROOT

NHSUK_DIST = REPO_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
ICONS = REPO_ROOT / "node_modules" / "@tabler" / "icons" / "icons" / "outline"

bp = Blueprint("assets", __name__)


@bp.route("/assets/<path:filename>")
def nhsuk_asset(filename: str):
    if not NHSUK_DIST.is_dir():
        abort(404)
    if filename.startswith("images/") or filename == "manifest.json":
        return send_from_directory(NHSUK_DIST / "assets", filename, max_age=86400)
    return send_from_directory(NHSUK_DIST, filename, max_age=86400)


@bp.route("/assets/icons/<path:filename>")
def icon(filename: str):
    if not ICONS.is_dir() or not filename.endswith(".svg"):
        abort(404)
    return send_from_directory(ICONS, filename, max_age=86400, mimetype="image/svg+xml")
