"""Who won and who lost: the side of a contest a question asks for, and the side a sentence puts a span on.

A sentence naming both sides of a contest ("A lost to B", "B was defeated by A", "A, with B in second place")
gives the reader two names of the same kind, and it tells them apart poorly: asked "who won" and "who lost" of
"A lost to B", the packaged reader offers A first both times. The English grammar of contests says which is
which: the subject of an active "beat" or "defeated" won and its object lost; a passive ("was defeated by")
or a "lost to" turns them round. A span the sentence puts on the other side than the question asks for is no
answer. The outcome words below are English grammar, not any document's vocabulary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.question import answer_type

WINNER, LOSER = "winner", "loser"
_NOT_A_SIDE = ("date", "number", "percent", "measure")   # what a "which year did A win" asks for

_DEFEAT = (r"(?:beat(?:en|s|ing)?(?:\s+out)?|defeat(?:ed|s|ing)?|overc[ao]me|overcoming|outpoll(?:ed|s|ing)?|"
           r"outvot(?:ed|es|ing)|oust(?:ed|s|ing)?|unseat(?:ed|s|ing)?|eliminat(?:ed|es|ing)|"
           r"knock(?:ed|s|ing)\s+out|edg(?:ed|es|ing)\s+out|trounc(?:ed|es|ing))")
_WIN = r"(?:won|wins?|winning|triumph(?:ed|s|ing)?|prevail(?:ed|s|ing)?)"
_LOSE = r"(?:lost|los(?:e|es|ing)|conced(?:ed|es|ing)|fell|falls?|falling|succumb(?:ed|s|ing)?)"
_BE = r"(?:(?:was|were|is|are|be|been|being|got|get|gets)\s+)"

# (pattern, role of the side before it, role of the side after it); earlier patterns take precedence where two
# overlap, so the passive "was defeated by" is never read as the active "defeated".
_OUTCOMES = [(re.compile(p, re.IGNORECASE), before, after) for p, before, after in [
    (r"['’]s\s+(?:[\w-]+\s+)?victory\s+over\b", WINNER, LOSER),           # A's (narrow) victory over B
    (r"['’]s\s+(?:[\w-]+\s+)?(?:defeat|loss)\b", LOSER, None),           # A's (heavy) defeat: the noun
    (r"['’]s\s+(?:[\w-]+\s+)?(?:victory|win|triumph)\b", WINNER, None),   # A's victory
    (r"\b(?:defeat|loss)\s+(?:of|for|to)\b", None, LOSER),                 # a defeat for A
    (r"\bvictory\s+over\b", None, LOSER),                                 # (A's) victory over B
    (r"\b(?:victory|win|triumph)\s+(?:of|for)\b", None, WINNER),           # a victory for A
    (rf"\b{_BE}?{_DEFEAT}\s+by\b", LOSER, WINNER),                         # A was defeated by B
    (rf"\b{_BE}{_DEFEAT}\b", LOSER, None),                                 # A was defeated (in the final)
    (rf"\b{_BE}?won\s+by\b", None, WINNER),                                # the final was won by B
    (rf"\b{_WIN}\s+(?:over|(?:[\w%'’.-]+\s+){{0,6}}?against)\b", WINNER, LOSER),  # A won (54% of the vote) against B
    (rf"\b{_LOSE}(?:\s+[\w'’-]+){{0,4}}?\s+to\b", LOSER, WINNER),          # A lost (the final) to B
    (r"\b(?:finish(?:ed|es|ing)?|came|placed|end(?:ed|s)?)\s+(?:\w+\s+)?behind\b", LOSER, WINNER),
    (r"\b(?:(?:finish(?:ed|es|ing)?|came|placed|end(?:ed|s)?)\s+)?ahead\s+of\b", WINNER, LOSER),
    (r"\btook\s+the\s+\w+\s+from\b", WINNER, LOSER),                       # A took the title from B
    (rf"\b{_DEFEAT}\b", WINNER, LOSER),                                    # A beat B
    (rf"\b(?:{_WIN}|(?:re-?)?elected|victorious|came\s+out\s+on\s+top|topped\s+the\s+(?:poll|vote|table))\b",
     WINNER, None),                                                         # A won (the final)
    (r"\b(?:(?:finish(?:ed|es|ing)?|came|placed)\s+second|in\s+second\s+place|runners?-up)\b", LOSER, None),
    (rf"\b{_LOSE}\b", LOSER, None),                                        # A lost (the final)
]]
# an outcome word said of another time than the sentence's: "Demir, the runner-up the year before, took the title"
_ELSEWHEN = re.compile(r"\s+(?:[\w'’-]+\s+){0,2}?(?:the\s+(?:year|season|time|edition)\s+before|the\s+previous\s+"
                       r"(?:year|season|edition|time)|(?:a|one)\s+year\s+(?:earlier|before)|previously|last\s+year)\b",
                       re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:and|but|while|whereas|who|which|with)\b", re.IGNORECASE)
# between a name and a later outcome word: a clause with a subject of its own ("A, the video was nominated ...,
# winning"), unless it is the name's own relative clause ("A, who had led all year, won")
_OWN_CLAUSE = re.compile(r"\b(?:was|were|is|are|had|has|have|did|does|do)\b|[;:]|,\s*(?:and|but)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\s*,?\s*who\b", re.IGNORECASE)
_OWN_VERB = re.compile(r"(?:\b(?:was|were|is|are|had|has|have|did|does|do|been|be)\s+(?:\w+\s+)?)+$", re.IGNORECASE)
_AUX = r"(?:did|does|do|had|has|have|was|were|is|are|will|would|could|can)"
_WH = re.compile(rf"\b(?:who|whom|(?:which|what)(?:\s+(?!{_AUX}\b)[\w-]+)?)\b", re.IGNORECASE)   # "which crew"
_SUBJECT = re.compile(rf"\s*(?:{_BE}(?:(?:the|a|an)\s+)?)?", re.IGNORECASE)   # "who [was the] runner-up"
_OBJECT = re.compile(rf"\s*{_AUX}\s+\S", re.IGNORECASE)                       # "who did A [beat]"
# nouns that name a side in a question ("who was the winner"); "runner-up", "came second" are outcome words above
_NOUNS = [(re.compile(r"\b(?:winners?|victors?)\b", re.IGNORECASE), WINNER),
          (re.compile(r"\b(?:losers?|second\s+place)\b", re.IGNORECASE), LOSER)]


@dataclass(frozen=True)
class Outcome:
    """An outcome word in a sentence and the sides it names."""

    start: int
    end: int
    before: str | None
    after: str | None


@lru_cache(maxsize=1024)
def outcomes(text: str) -> tuple[Outcome, ...]:
    """The outcome words of a text, in order; where two patterns overlap, the earlier-listed one (cached: every span
    the reader offers in a sentence asks about the same sentence)."""
    found: list[Outcome] = []
    taken = bytearray(len(text))
    for pattern, before, after in _OUTCOMES:
        for m in pattern.finditer(text):
            if not any(taken[m.start():m.end()]):
                found.append(Outcome(m.start(), m.end(), before, after))
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return tuple(sorted(found, key=lambda o: o.start))


def asked_side(question: str) -> str | None:
    """The side of a contest a question asks for: "who won", "which crew came second", "who did A beat" (the
    loser), "who was A defeated by" (the winner), "the skipper who won"; None when its wh-word is no side of one
    ("what did A win", "in which year did A lose", "how many votes did the winner get")."""
    if answer_type(question) in _NOT_A_SIDE:
        return None
    nouns = [Outcome(m.start(), m.end(), side, None) for pattern, side in _NOUNS for m in pattern.finditer(question)]
    for o in sorted([*outcomes(question), *nouns], key=lambda o: o.start):
        wh = list(_WH.finditer(question, 0, o.start))
        if not wh:
            continue
        between = question[wh[-1].end():o.start]
        if _SUBJECT.fullmatch(between):
            return o.before
        return o.after if _OBJECT.match(between) else None
    return None


def side_of(sentence: str, start: int, end: int) -> str | None:
    """The side of a contest the sentence puts the span [start, end) on, None when it says nothing about it, and
    "both" for a span holding an outcome word itself ("A lost to B").

    A span takes the side of the nearest outcome word it is an argument of: one after the span with no other
    outcome word between them and no clause of another subject (appositives and the span's own relative clause
    allowed: "A, the champion, beat B", "A, who led all year, won"), or one before the span with no
    clause break between them ("won by the Otter crew, with the Heron crew in second place"). An outcome word said of
    another time ("A, the runner-up the year before, beat B") is no side of this contest.
    """
    found = [o for o in outcomes(sentence) if not _ELSEWHEN.match(sentence, o.end)]
    if any(_word_start(sentence, o) < end and start < o.end for o in found):
        return "both"
    sides = []      # (gap, side) of the outcome words the span is an argument of
    after = next((o for o in found if _word_start(sentence, o) >= end), None)   # any later has this one in between
    if after is not None and after.before is not None and _argument_before(sentence, end, after):
        sides.append((after.start - end, after.before))
    for o in reversed([o for o in found if o.end <= start]):        # nearest first, up to a clause break
        if _CLAUSE_BREAK.search(sentence, o.end, start):
            break
        if o.after is not None:
            sides.append((start - o.end, o.after))
            break
    return min(sides)[1] if sides else None


def _word_start(sentence: str, o: Outcome) -> int:
    """Where an outcome word's own words start: after the "'s" of a possessive ("A's defeat")."""
    return o.start + 2 if sentence[o.start] in "'’" else o.start


def _argument_before(sentence: str, end: int, o: Outcome) -> bool:
    """Whether a span ending at `end` is the subject of the later outcome word `o`: the possessor itself ("A's
    defeat"), or a name with nothing between but appositives, its own relative clause or the word's own verb ("A was
    (narrowly) re-elected"), never a clause of another subject ("A, the video was nominated ..., winning")."""
    if sentence[o.start] in "'’":
        return end in (o.start, o.start + 2)
    return bool(_RELATIVE.match(sentence, end)) or not _OWN_CLAUSE.search(_OWN_VERB.sub("", sentence[end:o.start]))


def contradicts(asked: str | None, sentence: str, start: int, end: int) -> bool:
    """Whether a span is on the other side of a contest than the question asks for, or holds both sides."""
    if asked is None:
        return False
    side = side_of(sentence, start, end)
    return side is not None and side != asked
