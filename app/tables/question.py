"""Read a question for the table engine: folded tokens, what it asks (lookup, turnout, winner, ...) and any
comparison, using only generic vocabulary (no names from any document)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.fold import STOPWORDS, fold

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[%#]")
_APOSTROPHE = "'’`"

# Generic measure words, folded, by the concept they name (English and Turkish).
SYNONYMS: dict[str, str] = {}
for concept, words in {
    "percent": "percent percentage percentages share shares pct proportion % yuzde yuzdesi oran orani",
    "vote": "vote votes voted ballot ballots oy oyu oylar oylari",
    "number": "number count # no sayi sayisi",
    "elector": "elector electors electorate voter voters secmen secmeni secmenler",
    "registered": "registered eligible enrolled kayitli",
    "total": "total totals cast toplam kullanilan kullanildi",
    "turnout": "turnout participation katilim katilimi",
}.items():
    for word in words.split():
        SYNONYMS[word] = concept

AGGREGATE_WORDS = frozenset("other others rest remaining total totals sum all invalid blank void spoiled misc "
                            "miscellaneous none unknown diger digerleri toplam".split())
WHOLE_TABLE_WORDS = frozenset("overall citywide nationwide countrywide statewide whole entire across altogether "
                              "all combined total totals genelinde genel toplam".split())
QUESTION_WORDS = frozenset("what which who whom whose how many much when where why was were is are did does do "
                           "please tell show give list name find kac kim hangi nedir ne".split())
VERBS = frozenset("get gets got receive received receives win wins won take took obtain obtained earn earned "
                  "have has had score scored come came finish finished sell sold gain gained see saw record "
                  "recorded poll polled register aldi kazandi".split())
INTENT_WORDS = frozenset("margin victory lead led leads trail trailed trails behind ahead beat difference differ "
                         "between compared versus vs combined together sum plus winner winning first placed place "
                         "most fewest least highest lowest largest smallest biggest greatest top bottom maximum "
                         "minimum more less fewer greater higher lower larger smaller over under above below exceed "
                         "exceeded exceeding than".split())
FILLER_WORDS = frozenset("at there row rows column table value figure".split())
_LOCATIVE = frozenset("in at within inside from for".split())
_TURKISH_CASE = frozenset("da de ta te nda nde daki deki un in nin nun s".split())

_HALF = re.compile(r"\b(more|less|fewer) than (?:a |one )?half\b", re.IGNORECASE)
_TURNED_OUT = re.compile(r"\bturn(?:s|ed|ing)?\s+out\b", re.IGNORECASE)
_COMPARISON = re.compile(
    r"\b(?P<op>more than|greater than|higher than|larger than|over|above|exceeding|exceeded|at least|"
    r"less than|fewer than|lower than|smaller than|under|below|at most|before|after|since)\s+"
    r"(?P<num>\d+(?:[.,]\d+)*)\s*(?P<pct>%|percent\b|per cent\b)?")
_OPS = {"more than": ">", "greater than": ">", "higher than": ">", "larger than": ">", "over": ">", "above": ">",
        "exceeding": ">", "exceeded": ">", "at least": ">=", "less than": "<", "fewer than": "<",
        "lower than": "<", "smaller than": "<", "under": "<", "below": "<", "at most": "<=",
        "before": "<", "after": ">", "since": ">="}   # dates compare as their years


@dataclass
class Token:
    """A word or number of the question, folded, with whether it was written with a capital."""

    text: str
    folded: str
    pos: int
    capital: bool
    suffix: bool          # a case ending after an apostrophe (`'da`, `'s`), not a word of its own


@dataclass
class Comparison:
    """A condition such as "more than 50%": operator, threshold as written and its value."""

    op: str
    raw: str
    value: float
    percent: bool


@dataclass
class Question:
    """What the table engine reads from a question."""

    text: str
    folded: str
    tokens: list[Token]
    years: list[str]
    wants_percent: bool
    concepts: set[str]
    comparison: Comparison | None
    superlative: str | None          # "max" | "min"
    which_words: list[str]           # stems right after "which"/"what" ("which district" -> "district")
    in_which: bool                   # "in which ...", "where ...": the answer is a row
    count_words: list[str]           # stems right after "how many"/"number of" ("how many districts")
    in_how_many: bool                # "in how many ...": counting rows
    winner: bool
    margin: bool
    difference: bool
    combined: bool
    whole_table: bool
    quantity: bool                   # "how many", "how much", "number of"
    yes_no: bool                     # "Did ... ?", "Was ... ?": asks whether, not what
    deictic: bool                    # "... there?", "that one": refers to an earlier turn, not to a table row
    casing_informative: bool
    lost: bool = False               # "lose", "lost": rows where a group trails
    closest: bool = False            # "closest", "tightest": the row with the smallest gap
    either: str | None = None        # "A or B" with "more"/"higher" ("max") or "less"/"lower" ("min")
    named_only: bool = False         # "named districts": rows whose label is written in the table
    listed: str | None = None        # "listed first" / "listed last": "first" | "last"
    among: bool = False              # "among the rows ... lost": the rows a condition picks first


def tokens_of(text: str) -> list[Token]:
    """Question tokens; a token right after an apostrophe is a case ending (`Lima'da`, `Ode's`)."""
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        suffix = m.start() > 0 and text[m.start() - 1] in _APOSTROPHE and fold(word) in _TURKISH_CASE
        folded = fold(word)
        if folded[:1].isdigit():
            folded = folded.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", folded) else folded
        out.append(Token(word, folded, len(out), word[:1].isupper(), suffix))
    return out


def stem(word: str) -> str:
    """A crude English plural strip so `votes`/`vote` and `districts`/`district` compare equal."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]   # branches, boxes
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def is_generic(folded: str) -> bool:
    """Words that never name a row or a column by themselves."""
    return (folded in STOPWORDS or folded in QUESTION_WORDS or folded in VERBS or folded in INTENT_WORDS
            or folded in FILLER_WORDS or folded in SYNONYMS or folded in WHOLE_TABLE_WORDS or folded in _LOCATIVE or folded[:1].isdigit())


def as_measure(text: str) -> str:
    """The question with measures written as the table readers read them: "more than half" as "more than 50%", and
    "turn(ed) out" as "turnout" when a share is asked ("what share of voters turned out": the verb of the noun)."""
    text = _HALF.sub(r"\1 than 50%", text)
    words = {fold(w) for w in _TOKEN.findall(text)}
    return _TURNED_OUT.sub("turnout", text) if any(SYNONYMS.get(w) == "percent" for w in words) else text


def read_question(text: str) -> Question:
    """Tokens, intents and conditions of a question."""
    folded = " ".join(fold(text).split())
    tokens = tokens_of(text)
    letters = [c for c in text if c.isalpha()]
    casing = bool(letters) and not all(c.isupper() for c in letters) and any(c.isupper() for c in letters[1:])
    words = {t.folded for t in tokens if not t.suffix}
    concepts = {SYNONYMS[w] for w in words if w in SYNONYMS}
    comparison = _comparison(_HALF.sub(r"\1 than 50%", folded))
    return Question(
        text=text, folded=folded, tokens=tokens,
        years=re.findall(r"\b(?:1[89]|2[01])\d{2}\b", _COMPARISON.sub(" ", folded)),   # a bound is no subject
        wants_percent="percent" in concepts or bool(comparison and comparison.percent),
        concepts=concepts,
        comparison=comparison,
        superlative=_superlative(_COMPARISON.sub(" ", folded)),
        which_words=[stem(w) for pair in re.findall(r"\b(?:which|what|hangi)\s+(\w+)(?:\s+(\w+))?", folded)
                     for w in pair if w],
        in_which=bool(re.search(r"\bin which\b|\bwhere\b", folded)),
        count_words=[stem(w) for w in re.findall(r"\b(?:how many|number of)\s+(\w+)", folded)],
        in_how_many=bool(re.search(r"\bin how many\b", folded)),
        winner=_asks_winner(folded),
        margin=bool(re.search(r"\b(margin|by how (many|much)|lead|led|leads|trail(ed|s)?|behind|ahead of|beat)\b",
                              folded)),
        difference=bool(re.search(r"\b(difference|differ|how many more|how much more|fark)\b", folded)),
        combined=bool(re.search(r"\b(combined|together|sum of|in total|altogether|plus|added)\b", folded)),
        whole_table=bool(words & WHOLE_TABLE_WORDS),
        quantity=bool(re.search(r"\b(how many|how much|number of|kac)\b", folded)),
        yes_no=bool(re.match(r"(did|does|do|was|were|is|are|has|have)\b", folded)),
        deictic=bool(re.search(r"(?<!\bwere )(?<!\bwas )(?<!\bis )(?<!\bare )\bthere\s*\W*$|\bthat one\b", folded)),
        casing_informative=casing,
        lost=bool(re.search(r"\b(lose|loses|lost|losing)\b", folded)),
        closest=bool(re.search(r"\b(closest|tightest|narrowest)\b", folded)),
        either=_either(folded),
        named_only=bool(re.search(r"\bnamed\s+\w+", folded)),
        listed=_listed(folded),
        among=bool(re.search(r"\bamong\b", folded)),
    )


def _either(folded: str) -> str | None:
    """A choice between two things by a comparative ("more in A or in B?")."""
    if not re.search(r"\bor\b", folded):
        return None
    if re.search(r"\b(more|higher|larger|bigger|greater)\b", folded):
        return "max"
    if re.search(r"\b(less|fewer|lower|smaller)\b", folded):
        return "min"
    return None


def _listed(folded: str) -> str | None:
    m = re.search(r"\b(?:listed|comes?|appears?|placed)\s+(first|last)\b", folded)
    return m.group(1) if m else None


def _asks_winner(folded: str) -> bool:
    """Who came first, or (in a yes/no question) whether someone did."""
    if re.search(r"\b(who won|won|win|wins|winner|winning|came first|come first|finish(ed)? first|"
                 r"first[- ]placed?|first place|(?:was|were|is|placed|ranked|finished) first|top candidate|"
                 r"kazandi|kazanan)\b", folded):
        return True
    return bool(re.match(r"(did|does|was|were|is)\b", folded) and re.search(r"\b(first|ahead|lead|leading)\b", folded))


def _comparison(folded: str) -> Comparison | None:
    m = _COMPARISON.search(folded)
    if not m:
        return None
    raw = m.group("num")
    value = float(raw.replace(",", "")) if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+(\.\d+)?", raw) else None
    if value is None:
        return None
    return Comparison(_OPS[m.group("op")], raw, value, bool(m.group("pct")))


def _superlative(folded: str) -> str | None:
    if re.search(r"\b(most|highest|largest|biggest|greatest|maximum|top|en (cok|yuksek|fazla))\b", folded):
        return "max"
    if re.search(r"\b(fewest|least|lowest|smallest|minimum|bottom|en (az|dusuk))\b", folded):
        return "min"
    return None
