"""The years a question asks about: named ("in 2024") or bounding ("after 2024", "until 1846"), and the months it names
with a year ("June 2019": not "31 March 2019")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.question import MONTHS

YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_BOUND = re.compile(r"\b(after|since|before|until|till|prior to)\s+(?:the\s+(?:year\s+)?)?$", re.IGNORECASE)
_MONTHS = tuple(m[:3].lower() for m in MONTHS.split("|"))   # "jan", ..., "dec"
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# a year right after a span ("31 March" of "31 March, 2024"), or after the month following it ("31" of "31 March 2024")
_NEXT_YEAR = re.compile(rf",?\s(?:{_MONTH}\.?,?\s+)?({YEAR.pattern})", re.IGNORECASE)
# "June 2019", "23 June 2019", "June 23, 2019": a month, then (a day and) a year
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+((?:1[5-9]|20)\d\d)\b", re.IGNORECASE)
_BARE_MONTH = re.compile(rf"\b{_MONTH}\b", re.IGNORECASE)
_LATER = {"after": 1, "since": 0}              # the bound's year itself agrees with "since", not with "after"
_EARLIER = {"before": 1, "prior to": 1, "until": 0, "till": 0}


@dataclass(frozen=True)
class YearsAsked:
    """Years a question names, and the span of years its bounds allow (`after 2024`: from 2025)."""

    named: frozenset[int] = frozenset()
    first: int | None = None         # the earliest year a bound allows
    last: int | None = None          # the latest
    months: frozenset[tuple[int, int]] = frozenset()   # (year, month) named together: "June 2019" is (2019, 6)

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
        return cls(frozenset(named), first, last, frozenset(month_years(question)))

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
        return not self or (all(self.allows(int(y)) for y in years) and self._months_agree(span + following[:12]))

    def about(self, text: str) -> bool:
        """Whether a text names no year or some year that agrees, a bound's own year included."""
        years = [int(y) for y in YEAR.findall(text)]
        return not self or not years or (any(self.allows(y, strict=False) for y in years) and self._months_agree(text))

    def _months_agree(self, text: str) -> bool:
        """Whether a text naming a month of a year the question names with a month names one it asks for: "31 March
        2019" is not about "June 2019"; "2019" alone, or another year's months, are not held against it."""
        if not self.months:
            return True
        asked_years = {y for y, _ in self.months}
        named = {m for m in month_years(text) if m[0] in asked_years}
        if not named or named & self.months:
            return True
        # "In June 1849 ..., and in September, ...": a month named without its year may be the one asked
        asked = {month for _, month in self.months}
        return any(_month_number(m.group()) in asked for m in _BARE_MONTH.finditer(text))


def _month_number(name: str) -> int:
    """1 for "January", "jan" or "Jan." and so on."""
    return _MONTHS.index(name[:3].lower()) + 1


def month_years(text: str) -> set[tuple[int, int]]:
    """The (year, month) pairs a text names: "23 June 2019" and "June 23, 2019" are (2019, 6)."""
    return {(int(m.group(2)), _month_number(m.group(1))) for m in _MONTH_YEAR.finditer(text)}
