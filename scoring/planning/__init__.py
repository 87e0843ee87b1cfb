"""Planning a procurement: import it from one Excel workbook, and try other weights (what-if).

The routes are for procurement leads and administrators; the what-if pages
only for the lead of that procurement (or an administrator). URLs sit beside
the lead's other screens under /procurements.
"""

from flask import Blueprint

bp = Blueprint("planning", __name__, url_prefix="/procurements")

from . import importing, whatif  # noqa: E402,F401
