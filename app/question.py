"""What kind of answer a question asks for, and the spans of that kind in a sentence."""
from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from index.fold import STOPWORDS, fold, stem

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|hundred")
_UPPER = "A-ZÇĞİÖŞÜÂÎÛÉÈÀÁÍÓÚÑ"
NAME_WORD = rf"[{_UPPER}][\w'’.-]*"

PATTERNS = {
    "percent": re.compile(r"\d+(?:[.,]\d+)?\s?%|\d+(?:\.\d+)?\s(?:percent|per cent)\b"),
    "date": re.compile(rf"\b\d{{1,2}}\s(?:{MONTHS})(?:\s\d{{4}})?\b|\b(?:{MONTHS})\s\d{{4}}\b|\b(?:1\d|20)\d{{2}}\b"),
    "number": re.compile(rf"\b\d{{1,3}}(?:,\d{{3}})+(?:-fold)?\b|\b\d+(?:\.\d+)?(?:-fold)?\b|\b(?:{NUMBER_WORDS})\b",
                         re.IGNORECASE),
    "quote": re.compile(r"\"[^\"]{3,}\"?|“[^”]{3,}”?"),
    "name": re.compile(rf"{NAME_WORD}(?:\s+(?:of\s+the\s+|of\s+|the\s+|and\s+)?{NAME_WORD})*"),
}
_TYPE_TERMS = frozenset(stem(w) for w in "percent percentage share proportion year date day month time number "
                        "count amount figure name place person".split())
_NOT_UNITS = frozenset("and or of the a an to in on at for with by as that which who was were is are".split())
_ORG_WORDS = re.compile(r"\b(Party|Council|Committee|Organi[sz]ation|Assembly|Union|Alliance|Ministry|"
                        r"Court|Commission|Agency|Association|Company|Corporation|Bank)\b|^[A-Z]{2,6}$")

# Question cues, English first, then Turkish (folded), for the type of span wanted.
_CUES = [
    ("org", r"\b(which party|what party|which organi[sz]ation|what organi[sz]ation|which body|what body|hangi parti)\b"),
    ("percent", r"\b(share|percent|percentage|proportion|per cent|yuzde|oran)\b|%"),
    ("measure", r"\b(how (?:long|far|wide|tall|old|big|large|high|deep|heavy|often))\b"),
    ("number", r"\b(how many|how much|number of|margin|kac|ne kadar)\b"),
    ("date", r"\b(when|what date|which date|what day|which day|what year|which year|ne zaman|hangi tarih|hangi yil)\b"),
    ("person", r"\b(who|whom|whose|which candidate|what candidate|which person|name of the person|kim|kimdi)\b"),
    ("place", r"\b(where|which district|what district|which city|what city|nerede|hangi ilce)\b"),
    ("quote", r"\b(say|said|quote|call|called|describe|described)\b"),
]


@dataclass(frozen=True)
class Candidate:
    """A possible short answer inside a sentence (offsets relative to the sentence)."""

    text: str
    start: int
    end: int


# The interrogative that opens an English question's wh-phrase, and the kind it asks for by itself.
_WH = re.compile(r"\b(who|whom|whose|when|where|why|how|what|which)\b")
_WH_KINDS = {"who": "person", "whom": "person", "whose": "person", "when": "date", "where": "place", "why": "span"}
_SUBORDINATE = {"when", "where", "who", "whom", "whose"}   # after the wh-phrase: a clause, not the thing asked
_HOW_KINDS = [(kind, cue) for kind, cue in _CUES if kind in ("measure", "number")]   # "how long", "how many"


INTERROGATIVES = ("who", "whom", "whose", "when", "where", "why", "how", "what", "which")
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)\b(?![-'’])")


# English negative contractions typed without their apostrophe ("didnt", "cant"): a closed class of words
_CONTRACTED = re.compile(r"\b(is|are|was|were|do|does|did|ca|could|would|should|has|have|had)nt\b", re.IGNORECASE)


def restore_contractions(question: str) -> str:
    """The question with its negative contractions typed without an apostrophe written as SQuAD's questions write
    them, which the reader was fitted on ("didnt" -> "didn't")."""
    return _CONTRACTED.sub(r"\1n't", question)


def repair_interrogative(question: str, known: Container[str] = frozenset()) -> str:
    """The question with its first word read as the interrogative it misspells or runs together with "is", as people
    type ("wen did ..." -> "when did ...", "whats ..." -> "what is ..."). Only a word one edit from exactly one
    interrogative is repaired, and none that is a stopword or `known` (the documents' words: "now", a name "Wen")
    or could be several ("whe": "when", "who" or "why")."""
    m = _FIRST_WORD.match(question)
    if not m:
        return question
    word = m.group(1).lower()
    if word in INTERROGATIVES or word in STOPWORDS or word in known:
        return question
    if word[:-1] in ("what", "who", "where", "how", "when") and word.endswith("s"):
        fixed = f"{word[:-1]} is"
    else:
        from rapidfuzz.distance import Levenshtein

        near = [w for w in INTERROGATIVES if Levenshtein.distance(word, w) == 1]
        if len(near) != 1 or len(word) < 2:
            return question
        fixed = near[0]
    if m.group(1)[0].isupper():
        fixed = fixed.capitalize()
    return question[:m.start(1)] + fixed + question[m.end(1):]


def answer_type(question: str) -> str:
    """`percent`, `date`, `number`, `org`, `person`, `place`, `quote`, or `span` (a whole sentence).

    The first interrogative decides: "who"/"when"/"where" by themselves, "how" with the word after it, and
    "what"/"which" by the cue words that follow. A "when" or "who" further on opens a clause ("What singer
    was mentioned when the theme was released?" asks for a singer, not a date). A question with no English
    interrogative (keywords, Turkish) is read by its cue words anywhere.
    """
    q = fold(question)
    wh = _WH.search(q)
    if wh and wh.group(1) in _WH_KINDS:
        return _WH_KINDS[wh.group(1)]
    if wh and wh.group(1) == "how":
        after = q[wh.start():]
        return next((kind for kind, cue in _HOW_KINDS if re.match(cue, after)), "span")
    rest = q[wh.start():] if wh else q
    for kind, cue in _CUES:
        found = re.search(cue, rest)
        if found and not (wh and found.group().split()[0] in _SUBORDINATE):
            return kind
    return "span"


def asks_for(term: str) -> bool:
    """Whether a stemmed question word only names the kind of answer wanted ("percentage", "year")."""
    return term in _TYPE_TERMS


def candidates(sentence: str, kind: str) -> list[Candidate]:
    """Spans of the wanted kind in a sentence."""
    if kind == "span":
        return []
    if kind == "measure":  # a number with its unit: "seven kilometres", "25 minutes"
        found = []
        for c in candidates(sentence, "number"):
            unit = re.match(r"[ -]([A-Za-z]+)\b", sentence[c.end:])
            if unit and unit.group(1).lower() not in _NOT_UNITS:
                found.append(Candidate(sentence[c.start:c.end + unit.end()], c.start, c.end + unit.end()))
        return found
    if kind in ("person", "place", "org"):
        found = [_strip_possessive(m) for m in PATTERNS["name"].finditer(sentence)]
        found = [c for c in found if c and _fits(c.text, kind)]
        return found
    found = [Candidate(m.group().strip(), m.start(), m.start() + len(m.group().strip()))
             for m in PATTERNS[kind].finditer(sentence)]
    if kind == "number":  # a bare year is a date and "4%" a share, not a count
        found = [c for c in found if not re.fullmatch(r"(1[89]|20)\d{2}", c.text)
                 and not sentence[c.end:c.end + 2].lstrip().startswith("%")]
    return found


def _strip_possessive(m: re.Match) -> Candidate | None:
    text = re.sub(r"(?:'s|’s|'|’)$", "", m.group()).rstrip(".")
    return Candidate(text, m.start(), m.start() + len(text)) if text else None


def _fits(text: str, kind: str) -> bool:
    is_org = bool(_ORG_WORDS.search(text))
    words = text.split()
    if kind == "org":
        return is_org
    if kind == "person":
        return not is_org and len(words) >= 2 and not any(re.fullmatch(MONTHS, w) for w in words)
    return not is_org and not re.fullmatch(MONTHS, words[0])


def as_squad_asks(question: str) -> str:
    """The question as SQuAD writes its questions, which the reader, the chooser and the sentence ranker were fitted
    on: ending in a question mark (4,698 of the file's 4,719 do), added where it has none. People type "who won the
    rerun" as often as "Who won the rerun?", and the mark alone moves a span's score by whole logits and the query
    vector by a cosine of ~0.06 (docs/text-answers.md, session 32)."""
    return question if "?" in question else question.rstrip().rstrip(".!;: ") + "?"
