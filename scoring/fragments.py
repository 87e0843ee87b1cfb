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

from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup


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
