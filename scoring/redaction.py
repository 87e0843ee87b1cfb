"""Find and hide bidders' legal names and prices in free text (pure: no Flask, no database).

In an anonymised procurement patient representatives know bidders only by
their codes ("Bidder A") and never see prices. People still type names and
prices into reasons, so every text a rep can see goes through `redact`, and
codes-only exports use it too. The match is not fooled by how a name is
written:

* case, accents and compatibility forms ("CAFÉ", "Cafe", "ｃａｆé": NFKD, marks
  dropped, casefolded);
* curly or straight apostrophes, or none ("St John’s", "St John's", "St Johns");
* runs of spaces, tabs or line breaks, or a hyphen, between the words;
* "&" or "and";
* the company suffix written differently or left out ("Ltd", "Ltd.",
  "Limited", "LLP", "plc", "PLC", "CIC") and "The" in front or not. The name
  without its suffix is matched alone only when it is at least
  `MIN_BARE_CORE` characters long, so "A Ltd" does not hide every "a".

Prices are matched in the usual written forms of the bidder's price p:
"98765.43", "98,765.43", "£98,765", "£98,766", "£98.8k", "98.77k",
"£0.1m", "£98.8 thousand". A bare number without "£", "k" or "m" is
matched only when p is at least `MIN_BARE_PRICE`, so a price of 60 does not hide
"60%" or "out of 60".

API (small on purpose; the moderation pages reuse `find_mentions` to warn):

``find_mentions(text, bidders) -> list[Mention]``
    Every name or price of a bidder in ``text``, in order, not overlapping.
``redact(text, bidders) -> str``
    ``text`` with each name replaced by that bidder's code and each price by
    `PRICE_PLACEHOLDER`.
``redactor_for(bidders, prices=True) -> Redactor``
    The compiled matcher for a set of bidders (cached), with ``.find``,
    ``.redact`` and ``.redact_json``.

``bidders`` is any iterable of objects with ``code``, ``name`` and
(optionally) ``price`` attributes, such as the `Bidder` model, or a `Redactor`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import cast

#: Texts each `Redactor` remembers the redaction of (then it forgets them all), and the
#: longest it remembers: a whole page would only fill the memory.
_MEMO_SIZE = 4096
_MEMO_LONGEST = 2000

#: What a price is replaced with.
PRICE_PLACEHOLDER = "[price hidden]"

#: Shortest name-without-suffix matched on its own ("Xylo" for "Xylo Ltd").
MIN_BARE_CORE = 4

#: Smallest price matched as a bare number ("98765"); smaller ones need "£", "k" or "m".
MIN_BARE_PRICE = 1000

#: Company suffixes treated as the same: any of them, or none, may follow the name.
SUFFIXES = ("limited", "ltd", "llp", "plc", "cic", "lp", "l.l.p.", "l.l.p", "p.l.c.", "p.l.c")

_SUFFIX_WORDS = {s.rstrip(".") for s in SUFFIXES}
_APOSTROPHES = "'’‘ʼ`´′"
_SPACE = r"(?:[\s\-‐‑‒–—]+)"  # between words: whitespace, line breaks, hyphens, dashes
_SUFFIX = (
    r"(?:\s*,?\s*(?:" + "|".join(re.escape(s) for s in sorted(SUFFIXES, key=len, reverse=True)) + r")(?![a-z0-9]))"
)
_WORD_START = r"(?<!\w)"
_WORD_END = r"(?!\w)"


@dataclass(frozen=True)
class Mention:
    """One bidder's name or price found in a text: ``text[start:end]``."""

    start: int
    end: int
    code: str
    kind: str  # "name" or "price"
    text: str


@dataclass(frozen=True)
class Party:
    """A bidder as the redactor needs it; any object with these attributes will do."""

    code: str
    name: str | None
    price: float | None = None


def _fold_char(ch: str) -> str:
    out = []
    for d in unicodedata.normalize("NFKD", ch):
        if unicodedata.combining(d):
            continue
        out.append(d.casefold())
    return "".join(out)


def _fold(text: str) -> tuple[str, list[int] | None]:
    """``text`` casefolded without accents, and where each folded character came from.

    ASCII text folds one to one, so the map is None (position i is position i).
    """
    if text.isascii():
        return text.lower(), None
    folded: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = _fold_char(ch) if not ch.isascii() else ch.lower()
        folded.append(f)
        origin.extend([i] * len(f))
    return "".join(folded), origin


def normalise(text: str) -> str:
    """``text`` as the matcher compares it: casefolded, no accents, straight apostrophes,
    one space for any run of whitespace. For tests and for comparing names."""
    folded, _ = _fold(text or "")
    folded = "".join("'" if c in _APOSTROPHES else c for c in folded)
    return re.sub(r"\s+", " ", folded).strip()


def _name_pattern(name: str) -> str | None:
    words = re.split(r"[\s\-‐‑‒–—]+", normalise(name).replace(",", " "))
    words = [w for w in words if w]
    if words and words[0] == "the":
        words = words[1:]
    had_suffix = bool(words) and words[-1].rstrip(".") in _SUFFIX_WORDS
    if had_suffix:
        words = words[:-1]
    if not words:
        return None

    def word(w: str) -> str:
        if w == "&" or w == "and":
            return r"(?:&|and)"
        parts = []
        for c in w:
            if c == "'":
                parts.append(f"[{_APOSTROPHES}]?")
            else:
                parts.append(re.escape(c))
        return "".join(parts)

    core = _SPACE.join(word(w) for w in words)
    the = r"(?:the" + _SPACE + r")?"
    core_text = " ".join(words)
    suffix = _SUFFIX + ("?" if (not had_suffix or len(core_text) >= MIN_BARE_CORE) else "")
    return _WORD_START + the + core + suffix + _WORD_END


def _decimal(value) -> Decimal | None:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not d.is_finite() or d <= 0:
        return None
    return d


def _digits(whole: int) -> str:
    """An integer with optional thousands separators: 98765 -> 98,?765."""
    text = str(whole)
    groups: list[str] = []
    while len(text) > 3:
        groups.insert(0, text[-3:])
        text = text[:-3]
    groups.insert(0, text)
    return r"[, ]?".join(groups)


def _price_pattern(price) -> str | None:
    p = _decimal(price)
    if p is None:
        return None
    money = r"(?:£\s?|gbp\s?)"
    optional_money = money + "?" if p >= MIN_BARE_PRICE else money
    forms: list[str] = []
    whole = int(p)
    pennies = (p - whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if pennies:
        # 98765.43 is also written 98765 (pennies dropped) or 98766 (rounded).
        shown = f"{pennies:.2f}"[2:]
        decimals = r"(?:\." + shown[0] + (shown[1] if shown[1] != "0" else "0?") + r")?"
    else:
        decimals = r"(?:\.0{1,2})?"
    forms.append(optional_money + _digits(whole) + decimals)
    rounded = int(p.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rounded != whole:
        forms.append(optional_money + _digits(rounded) + r"(?:\.0{1,2})?")
    for unit, scale, word in (("k", Decimal(1000), "thousand"), ("m", Decimal(1_000_000), "million")):
        if p < scale / 10:
            continue
        amounts = set()
        for places in (0, 1, 2):
            q = (p / scale).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            if q > 0:
                amounts.add(format(q.normalize(), "f"))
        for text in sorted(amounts, key=len, reverse=True):
            forms.append(money + "?" + re.escape(text) + r"\s?(?:" + unit + "|" + word + r")" + _WORD_END)
    body = "|".join(f"(?:{f})" for f in forms)
    # Not part of a longer number, a word, a path or an id ("/evaluate/98765", "bidder-98765").
    return r"(?<![\w.,/#=-])(?:" + body + r")(?![\w/]|[.,]\d)"


class Redactor:
    """The compiled matcher for one set of bidders (see the module docstring)."""

    def __init__(self, parties: Iterable, *, prices: bool = True):
        alternatives: list[tuple[int, str, str]] = []  # (sort length, group pattern, …)
        self._codes: dict[str, tuple[str, str]] = {}
        for i, party in enumerate(parties):
            code = getattr(party, "code", None) or ""
            name = getattr(party, "name", None) or ""
            if name and normalise(name) != normalise(code):
                pattern = _name_pattern(name)
                if pattern:
                    group = f"n{i}"
                    self._codes[group] = (code, "name")
                    alternatives.append((len(normalise(name)), group, pattern))
            if prices:
                pattern = _price_pattern(getattr(party, "price", None))
                if pattern:
                    group = f"p{i}"
                    self._codes[group] = (code, "price")
                    alternatives.append((len(pattern), group, pattern))
        # Longer names first: at one position "Xylo Care" wins over "Xylo".
        alternatives.sort(key=lambda a: (a[1][0] != "n", -a[0]))
        self._regex = (
            re.compile("|".join(f"(?P<{g}>{p})" for _, g, p in alternatives), re.IGNORECASE) if alternatives else None
        )
        # Texts already redacted, and the result. A rep's page prints every value through
        # `redact` (scoring.anonymity), and the NHS.UK macros print their output again at each
        # level they are nested in, so the same text comes back many times; a redactor is
        # kept per set of bidders (`redactor_for`), so the header and labels come back on
        # every page. `redact` is a function of the text alone, so the answer cannot go stale.
        self._memo: dict[str, str] = {}

    def __bool__(self) -> bool:
        return self._regex is not None

    def find(self, text: str | None) -> list[Mention]:
        """Every mention in ``text``, in order."""
        if not text or self._regex is None:
            return []
        folded, origin = _fold(text)
        found = []
        for m in self._regex.finditer(folded):
            code, kind = self._codes[cast(str, m.lastgroup)]  # every alternative is a named group
            if origin is None:
                start, end = m.start(), m.end()
            else:
                start = origin[m.start()]
                end = origin[m.end() - 1] + 1
            found.append(Mention(start, end, code, kind, text[start:end]))
        return found

    def redact(self, text):
        """``text`` with names replaced by codes and prices by `PRICE_PLACEHOLDER`; non-text as is."""
        if not isinstance(text, str) or not text or self._regex is None:
            return text
        plain = type(text) is str
        if plain:
            found = self._memo.get(text)
            if found is not None:
                return found
        mentions = self.find(text)
        if not mentions:
            out = text
        else:
            parts, at = [], 0
            for m in mentions:
                parts.append(text[at : m.start])
                parts.append(m.code if m.kind == "name" else PRICE_PLACEHOLDER)
                at = m.end
            parts.append(text[at:])
            out = "".join(parts) if plain else type(text)("".join(parts))
        if plain and len(text) <= _MEMO_LONGEST:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[text] = out
        return out

    def redact_json(self, text: str | None) -> str | None:
        """A JSON document with every string in it (keys too) redacted, written without
        ``\\u`` escapes, so nothing escaped can hide a name. Text that is not JSON is
        redacted as text."""
        if not text or self._regex is None:
            return text
        try:
            value = json.loads(text)
        except ValueError:
            return self.redact(text)
        return json.dumps(self.redact_value(value), ensure_ascii=False)

    def redact_value(self, value, _seen: dict | None = None):
        """Every string inside lists, tuples and dicts (keys too) redacted; numbers untouched."""
        seen = {} if _seen is None else _seen  # codes and labels repeat thousands of times
        if isinstance(value, str):
            try:
                return seen[value]
            except KeyError:
                seen[value] = hidden = self.redact(value)
                return hidden
        if isinstance(value, dict):
            return {
                self.redact_value(k, seen) if isinstance(k, str) else k: self.redact_value(v, seen)
                for k, v in value.items()
            }
        if isinstance(value, (list, tuple)):
            return type(value)(self.redact_value(v, seen) for v in value)
        return value


@lru_cache(maxsize=256)
def _cached(key: tuple, prices: bool) -> Redactor:
    return Redactor([Party(*k) for k in key], prices=prices)


def redactor_for(bidders, *, prices: bool = True) -> Redactor:
    """The (cached) `Redactor` for ``bidders``; a `Redactor` is returned as it is."""
    if isinstance(bidders, Redactor):
        return bidders
    key = []
    for b in bidders:
        price = getattr(b, "price", None)
        if isinstance(price, float) and not math.isfinite(price):
            price = None
        key.append((getattr(b, "code", "") or "", getattr(b, "name", None), price))
    return _cached(tuple(key), prices)


def find_mentions(text: str | None, bidders) -> list[Mention]:
    """Every name or price of one of ``bidders`` in ``text`` (see the module docstring)."""
    return redactor_for(bidders).find(text)


def redact(text, bidders):
    """``text`` with each bidder's name replaced by its code and each price by a placeholder."""
    return redactor_for(bidders).redact(text)
