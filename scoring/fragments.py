"""``{% cache result, "name", ... %}…{% endcache %}``: a page part rendered once per data version.

The results page (2,000 cells at 20 x 30) and the moderation section pages take far longer
to render than to compute. Their big parts depend only on the procurement's data and on who
looks (named or numbered evaluators), so they are kept with the outcome gateway's cache entry
for the data version (`scoring.services.outcome.fragment`): any change to the procurement
writes an audit event, moves the version, and the next request renders afresh.

The first argument is an `Outcome` (or a `ModerationRun`); the others make the key and must
say everything the part depends on besides the procurement's data (the viewer, for a part that
names people differently for different viewers). Never put a CSRF token, a CSP nonce or a
flashed message inside: those change with every request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

#: Parts `pure_part` keeps per worker (least recently used goes first).
PURE_PARTS = 512
_pure: OrderedDict = OrderedDict()
_pure_lock = threading.Lock()


class FragmentCache(Extension):
    tags = {"cache"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        args = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            args.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_cached", [nodes.List(args)]), [], [], body).set_lineno(lineno)

    def _cached(self, args, caller):
        from .services import outcome

        result, *key = args
        return Markup(outcome.fragment(result, tuple(str(k) for k in key), caller))


def pure_part(*key, caller) -> Markup:
    """``{% call pure_part("name", value, ...) %}…{% endcall %}``: a page part that is a function
    of the values in its key alone (an NHS.UK macro called with them), rendered once per worker.

    For parts that read no data besides the key: the score form's scale radios (the design
    system's radios macro is most of that page's time). The key must hold every value the part
    prints or decides on. The redactor of a patient rep's page (`scoring.anonymity`) is added to
    it here, so a part rendered for a rep is never served to anyone else, nor the other way.
    """
    from .anonymity import request_redactor

    full = (repr(key), request_redactor())
    with _pure_lock:
        found = _pure.get(full)
        if found is not None:
            _pure.move_to_end(full)
            return found
    found = Markup(caller())
    with _pure_lock:
        _pure[full] = found
        while len(_pure) > PURE_PARTS:
            _pure.popitem(last=False)
    return found
