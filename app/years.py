"""The years a question asks about: named ("in 2024") or bounding ("after 2024", "until 1846")."""
from __future__ import annotations

import re
from dataclasses import dataclass

YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_BOUND = re.compile(r"\b(after|since|before|until|till|prior to)\s+(?:the\s+(?:year\s+)?)?$", re.IGNORECASE)
_NEXT_YEAR = re.compile(rf",?\s({YEAR.pattern})")      # a year right after a span ("31 March, 2024")
_LATER = {"after": 1, "since": 0}              # the bound's year itself agrees with "since", not with "after"
_EARLIER = {"before": 1, "prior to": 1, "until": 0, "till": 0}


@dataclass(frozen=True)
class YearsAsked:
    """Years a question names, and the span of years its bounds allow (`after 2024`: from 2025)."""

    named: frozenset[int] = frozenset()
    first: int | None = None         # the earliest year a bound allows
    last: int | None = None          # the latest

    @classmethod
    def of(cls, question: str) -> "YearsAsked":
        named, first, last = set(), None, None
        for m in YEAR.finditer(question):
            year = int(m.group())
            bound = _BOUND.search(question[:m.start()])
            word = bound.group(1).lower() if bound else None
            if word in _LATER:
                first = year + _LATER[word]
            elif word in _EARLIER:
                last = year - _EARLIER[word]
            else:
                named.add(year)
        return cls(frozenset(named), first, last)

    def __bool__(self) -> bool:
        return bool(self.named) or self.first is not None or self.last is not None

    def allows(self, year: int, strict: bool = True) -> bool:
        """Whether a year agrees with the question: one it names, or within its bounds (with `strict=False`, the
        bound's own year too: a sentence saying "after 1831" is about the question "after 1831, ...")."""
        if year in self.named:
            return True
        if self.first is None and self.last is None:
            return False
        first = self.first if strict or self.first is None else self.first - 1
        last = self.last if strict or self.last is None else self.last + 1
        return (first is None or year >= first) and (last is None or year <= last)

    def answered_by(self, span: str, following: str = "") -> bool:
        """Whether every year a span names agrees (a bound's own year is no answer: "after 2024" is not "March 2024"),
        counting a year the text `following` it starts with ("31 March" in "on 31 March 2024")."""
        years = YEAR.findall(span) + [m.group(1) for m in [_NEXT_YEAR.match(following)] if m]
        return not self or all(self.allows(int(y)) for y in years)

    def about(self, text: str) -> bool:
        """Whether a text names no year or some year that agrees, a bound's own year included."""
        years = [int(y) for y in YEAR.findall(text)]
        return not self or not years or any(self.allows(y, strict=False) for y in years)
