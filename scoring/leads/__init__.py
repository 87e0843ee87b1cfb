"""The procurement lead's screens: set-up, lifecycle, assignments, paper sheets and the audit log.

Every route is for leads of that procurement (and administrators); the route
modules below share one Blueprint so that URLs read as /procurements/<id>/...
"""

from flask import Blueprint

bp = Blueprint("leads", __name__, url_prefix="/procurements")

from . import assignments, audit, bidders, deadlines, messages, paper, procurements, sections  # noqa: E402,F401
