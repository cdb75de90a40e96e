"""Read a question against one table into a small typed query plan: conditions on cells, the column to answer
with, the column to measure, and one operation. Only words found in the table's cells, its headers or a small
generic vocabulary of operations are used; nothing here knows any document.

    plan = read_plan(question, grid)     # -> Plan, or None when the table does not cover the question
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

from app.tables.grid import Grid, GridColumn, MONTHS, date_of, number_of, words
from index.fold import STOPWORDS, stem

# Generic words: question words, operation words and fillers that never name a row or a column.
QUESTION_WORDS = frozenset("what which who whom whose how when where why name list tell me show give find does do did "
                           "is are was were be been has have had can could will would please count number total "
                           "amount many much long".split())
OPERATION_WORDS = frozenset(
    "most least highest lowest largest smallest biggest greatest maximum minimum longest shortest tallest oldest "
    "youngest earliest latest newest fastest slowest best worst top bottom first last final next previous after "
    "before following preceding prior more less fewer greater higher lower larger smaller longer shorter taller "
    "better worse than or and difference between average mean sum total combined altogether only same times "
    "other another each every all any both either than over under above below least at no not nor but also one "
    "two three four five six seven eight nine ten second third fourth fifth nth per recent avg proportion fraction "
    "together compared compare comparing versus vs".split())
FILLER_WORDS = frozenset("there listed list table row rows column columns value values record records entry entries "
                         "times people person they them it its their the a an of in on at to for from "
                         "by with as into that this these those get got did does do take took make made have has "
                         "had come came go goes gone going went place placed become became named listed shown gave "
                         "given win wins won lose loses lost among race percent cent dollars figure figures add up "
                         "member members currently still presently whole entire kind kinds sort sorts type types "
                         "different distinct off onto upon via"
                         .split())
RISE = frozenset("rise rises rose risen rising increase increases increased grow grows grew grown gain gains gained "
                 "climb climbs climbed up".split())
FALL = frozenset("fall falls fell fallen falling decrease decreases decreased drop drops dropped cut cuts reduce "
                 "reduced decline declines declined shrink shrank down".split())
BOUND_WORDS = frozenset("above over below under more less greater fewer higher lower between at least "
                        "exceeding than".split())   # what may follow a column named with a bound on it
AFTER_WORDS = frozenset("next after following followed succeeded succeeding behind".split())   # the row after the one
BEFORE_WORDS = frozenset("previous before preceding prior preceded".split())                  # named, and before it
MOVES = RISE | FALL | {"change", "changes", "changed"}    # how a figure moved from one column to the next ("2024")
_PRICE = "price cost fare fee amount usd eur gbp"      # the words a price column's header holds
SPENDING = frozenset("spent spend spends spending paid pay pays cost costs charged charge charges".split())
PRICE_STEMS = frozenset(stem(w) for w in _PRICE.split())


def priced(column: GridColumn) -> bool:
    """Whether a column holds prices or money: a currency in its header or cells, or a price word in its header."""
    return column.money or bool(set(column.stems) & PRICE_STEMS)

UNIT_HINTS = {   # words after a number that say which kind of column it is compared with
    **{w: "height metre meter length elevation altitude" for w in "m meter meters metre metres ft feet foot".split()},
    **{w: "length distance km mile" for w in "km kilometers kilometres mi miles".split()},
    **{w: "weight mass kg" for w in "kg kgs kilo kilos kilogram kilograms pounds lb lbs".split()},
    **{w: "tonnage ton tonne weight displacement grt" for w in "ton tons tonnes tonne grt".split()},
    **{w: f"money prize earnings purse salary budget gross revenue {_PRICE}" for w in "dollars euros eur usd".split()},
    **{w: "time duration length" for w in "seconds secs minutes mins hours".split()},
    **{w: "population inhabitant resident" for w in "people inhabitants residents".split()},
    "tall": "height tall", "high": "height elevation altitude", "long": "length duration", "old": "age",
    "wide": "width", "deep": "depth", "heavy": "weight",
}
MORE = ("higher", "more", "greater", "larger", "bigger", "longer", "taller", "older", "later", "after", "above")
LESS = ("lower", "less", "fewer", "smaller", "shorter", "younger", "earlier", "before", "below")
FORMS = {"loss": "lost", "lose": "lost", "defeat": "lost", "win": "won", "victori": "won", "draw": "drawn",
         "tie": "drawn"}        # a result word and the header that counts it ("losses": Lost)
PERCENT_WORDS = frozenset("percent percentage percentages share pct".split())
NEGATIONS = frozenset("not besides except excluding without but".split())
RANK_STEMS = frozenset("rank po posit pos place no number seed pick order".split())   # 1 is the first
ROW_WORDS = frozenset("row entri record item list".split())      # stems of words that name a table's rows
NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                            "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
NUMBER_WORDS |= {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_TENS = frozenset("twenty thirty forty fifty sixty seventy eighty ninety".split())
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_BOUND_WORDS = frozenset(("than", "least", "most", "over", "under", "above", "below", "exceeding"))  # "one" after them is 1
ORDINALS = {w: i for i, w in enumerate("zeroth first second third fourth fifth sixth seventh eighth ninth tenth".split())}
MAX_WORDS = frozenset("most highest largest biggest greatest maximum longest tallest latest newest heaviest "
                      "farthest furthest widest deepest max top priciest dearest".split())
MIN_WORDS = frozenset("least fewest lowest smallest minimum shortest earliest oldest lightest min closest narrowest "
                      "tightest cheapest".split())
FAST_WORDS = {"fastest": "min", "quickest": "min", "slowest": "max"}
HINTS = {  # superlative words that say which kind of column they measure
    "tallest": "height tall floor storey story metre meter ft m", "longest": "length long time duration day km mile",
    "shortest": "length time duration day km mile", "oldest": "date year born built founded established age",
    "earliest": "date year", "latest": "date year", "newest": "date year built opened", "youngest": "date year born age",
    **{w: "time duration ms sec second minute min hour" for w in ("fastest", "quickest", "slowest")},
    "heaviest": "weight mass", "widest": "width",
    "deepest": "depth", "closest": "margin gap difference", "narrowest": "margin gap difference width",
    "tightest": "margin gap difference", "farthest": "distance mark result length", "furthest": "distance mark result",
    "highest": "height elevation altitude", "lowest": "height elevation altitude",
    **{w: _PRICE for w in "cheapest priciest dearest expensive".split()},
}
COMPARATIVES = {"taller": "tallest", "longer": "longest", "shorter": "shortest", "older": "oldest",
                "younger": "youngest", "earlier": "earliest", "later": "latest", "newer": "newest",
                "faster": "fastest", "quicker": "quickest", "slower": "slowest", "heavier": "heaviest",
                "wider": "widest", "deeper": "deepest"}
WHO_HEADERS = frozenset("name player driver rider athlete artist team winner candidate person club nation country "
                        "manager coach actor author title member composer director".split())
WHERE_HEADERS = frozenset("venue location place city country site stadium ground town region state home".split())
WHEN_HEADERS = frozenset("date year season time day month".split())
_COMPARE = re.compile(r"\b(no more than|not more than|no less than|not less than|no fewer than|in excess of|"
                      r"more than|greater than|higher than|larger than|bigger than|longer than|taller than|"
                      r"heavier than|older than|over|above|exceeding|at least|less than|shorter than|"
                      r"fewer than|lower than|smaller than|younger than|under|below|at most|or more|or less|or fewer|"
                      r"before|after|since|prior to)\s+(?:the\s+year\s+)?\$?(\d[\d,]*(?:\.\d+)?)")
_POST_COMPARE = re.compile(r"\$?(\d[\d,]*(?:\.\d+)?)\s+(or more|or higher|or greater|or less|or fewer|or lower|"
                           r"or above|or below|\+)")
_CAPITALISED = re.compile(r"(?<=[\w,;:] )[^\W\d_][\w-]*")     # a capital inside the sentence: a name
_ELAPSED = re.compile(r"\bhow (long|old|many years)\b")
_UNTIL = ("by", "in", "until", "of")         # "how long ... by 2023", "as of 2023": the year to count to
_RANGE = re.compile(r"\bbetween\b(?!\s+(them|the two|the three|both|us)\b)")   # not "between them": a sum
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")       # a number token ("2.0.1" is a version)
_BETWEEN = re.compile(r"\bbetween\s+\$?(\d[\d,]*(?:\.\d+)?)\s+and\s+\$?(\d[\d,]*(?:\.\d+)?)")
_OPS = {"no more than": "<=", "not more than": "<=", "no less than": ">=", "not less than": ">=",
        "no fewer than": ">=", "in excess of": ">", "bigger than": ">", "longer than": ">", "taller than": ">",
        "heavier than": ">", "older than": ">", "shorter than": "<", "younger than": "<",
        "more than": ">", "greater than": ">", "higher than": ">", "larger than": ">", "over": ">", "above": ">",
        "exceeding": ">", "at least": ">=", "less than": "<", "fewer than": "<", "lower than": "<",
        "smaller than": "<", "under": "<", "below": "<", "at most": "<=", "before": "<", "after": ">",
        "since": ">=", "prior to": "<", "or more": ">=", "or higher": ">=", "or greater": ">=", "or above": ">=",
        "+": ">=", "or less": "<=", "or fewer": "<=", "or lower": "<=", "or below": "<="}
# "more visits than 100,000": a comparative with a bound ("more than") and "than" around the column's name
_SPLIT_COMPARE = re.compile(rf"\b({'|'.join(w for w in MORE + LESS if f'{w} than' in _OPS)})\s+(?:[^\W\d]+\s+){{1,3}}?"
                            r"than\s+\$?(\d[\d,]*(?:\.\d+)?)")
# "how much more / fewer / faster ...": a difference
DEGREES = sorted({*COMPARATIVES, *MORE, *LESS, "cheaper", "dearer"} - {"after", "before", "above", "below"})


@dataclass
class Condition:
    """Rows whose cell in `column` equals (`=`), contains (`has`) or compares (`>`, `<`, ...) to `value`."""

    column: int
    op: str
    value: str
    number: float | None = None
    rows: frozenset[int] = frozenset()
    positions: tuple[int, ...] = ()
    read_as: str | None = None          # a spelling variant the question's words were read as
    columns: tuple[tuple[int, frozenset[int]], ...] = ()   # every column holding the value, with its rows


@dataclass
class Plan:
    """What to compute over one table."""

    op: str                              # lookup count sum add avg argmax argmin max min first last nth next previous
                                         # compare_rows compare_columns difference closest ratio share elapsed
    target: int                          # column whose cell is the answer (for lookups and arg-ops)
    measure: int | None = None           # numeric column an operation reads
    measure2: int | None = None          # second column for column comparisons; a ratio's denominator
    conditions: list[Condition] = field(default_factory=list)
    pair: list[Condition] = field(default_factory=list)    # two named rows (or values) to compare
    n: int = 1                           # for nth; for elapsed, the year named
    direction: str = "max"
    yes_no: bool = False
    coverage: float = 0.0
    covered: int = 0
    uncovered: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts_rows: bool = False            # "how many <what the rows are>": every row counts, no filter needed
    distinct: bool = False               # count the distinct values of `measure`, not rows
    count_cells: bool = False            # "how many times": every cell holding the value counts, not each row once
    measure_named: bool = False          # the measure's header is named, or hinted by the superlative's word
    unresolved: list[str] = field(default_factory=list)    # numeric bounds no column could be found for
    count_bound: tuple[str, float, str] | None = None       # (op, value, as written) a yes/no row count must meet
    asks_year: bool = False              # "what year ...": a date cell answers with its year
    span: bool = False                   # a difference between the column's largest and smallest value
    single: bool = False                 # "name one ...": the first value rather than all of them
    every: bool = False                  # "list the departments": every value of the column, no row picked
    between: bool = False                # count the rows strictly between the two rows of `pair`
    anchor: tuple[str, Condition] | None = None    # ("before" | "after", the row named): rows above or below it
    limit: tuple[bool, int, bool] | None = None    # (from the top, n, of the whole table): "first three", "top 10"
    across: tuple[int, ...] = ()         # year columns a yearly average runs over ("a year over 2021-2023")
    choice: tuple[str, str] | None = None    # ("higher", "lower"): the question's own words for the two outcomes
    header_meant: bool = False           # a column of figures the question names by meaning, not by its words
    relative: bool = False               # a difference as a share of the earlier figure ("by what percentage did
                                         # it rise")


@dataclass
class _Question:
    text: str
    tokens: list[str]
    stems: list[str]
    folded: str


def _read(text: str) -> _Question:
    text = re.sub(r"(?<=\w)['’]\w{1,4}\b", "", text)         # case endings and possessives: Tanrı'nın, Ode's
    text = re.sub(r"(?<=\d)\s*%", " percent", text)             # "10%": a number in a percent column
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", r"\1", text)      # "15th place": 15
    text = re.sub(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)(\s+(?:place|position))\b",
                  lambda m: f"{ORDINALS[m.group(1).lower()]}{m.group(2)}", text, flags=re.I)    # "first place": 1
    text = re.sub(r"\b(\d+(?:\.\d+)?)k\b", r"\1 thousand", text)     # "300k": 300000
    text = _SHORT_SEASON.sub(_season, text)                     # "winter 23/24": 2023-24
    text = re.sub(r"[$£€¥]\s*(\d[\d,]*(?:\.\d+)?(?:\s+(?:thousand|million|billion)\b)?)", r"\1 dollars",
                  text)                                       # "$400", "$2 million": a number in a money column
    toks = [superlative(t) or t for t in _numbers(words(text))]
    return _Question(text, toks, [stem(t) for t in toks], " ".join(toks))


# words ending in "est" that are no superlative, and superlatives of a low degree ("the quietest month": the fewest)
_NOT_SUPERLATIVE = frozenset("best worst west rest test interest forest harvest honest modest earnest request guest nest "
                             "chest quest suggest protest contest digest invest arrest manifest pest vest zest crest "
                             "jest attest detest infest conquest priest unrest inquest bequest behest tempest "
                             "southwest northwest midwest everest ernest forrest budapest bucharest".split())
_LOW_SUPERLATIVES = frozenset("quietest weakest poorest coldest coolest calmest emptiest thinnest rarest scarcest "
                              "slimmest softest shallowest".split())


def superlative(word: str) -> str | None:
    """"most" or "least" for a superlative with no word of its own in the planner: "the busiest month" is the one with
    the most of the figure asked for, "the quietest" the one with the least."""
    if word in MAX_WORDS or word in MIN_WORDS or word in FAST_WORDS or word in _NOT_SUPERLATIVE \
            or not re.fullmatch(r"[a-z]{3,}est", word):
        return None
    return "least" if word in _LOW_SUPERLATIVES else "most"


_SHORT_SEASON = re.compile(r"\b(\d\d)/(\d\d)\b")


def _season(m: re.Match) -> str:
    """"23/24" as the season 2023-24 (two consecutive years, the century of the nearest: "99/00" 1999-00)."""
    first, second = int(m.group(1)), int(m.group(2))
    if (second - first) % 100 != 1:
        return m.group(0)
    return f"{2000 + first if first < 50 else 1900 + first}-{m.group(2)}"


def _numbers(ws: list[str]) -> list[str]:
    """Number words as digits: "three silver medals" -> 3, "twenty five" -> 25, "1.5 million" -> 1500000; "zero" and
    "one" only as a bound ("more than zero", "at least one") or with a scale ("one thousand")."""
    out: list[str] = []
    for k, w in enumerate(ws):
        prev, after = (ws[k - 1] if k else ""), ws[k + 1:k + 2]
        if w in NUMBER_WORDS and (w not in ("zero", "one") or prev in _BOUND_WORDS | _TENS or after and after[0] in _SCALES):
            n = NUMBER_WORDS[w]
            if prev in _TENS and n < 10 and out and out[-1] == str(NUMBER_WORDS[prev]):
                out[-1] = str(NUMBER_WORDS[prev] + n)
            else:
                out.append(str(n))
        elif w in _SCALES and out and re.fullmatch(r"\d+(?:\.\d+)?", out[-1].replace(",", "")):
            value = float(out[-1].replace(",", "")) * _SCALES[w]
            out[-1] = str(int(value)) if value == int(value) else str(value)
        else:
            out.append(w)
    return out


def generic(word: str) -> bool:
    """A word that names no row or column by itself."""
    return (word in STOPWORDS or word in QUESTION_WORDS or word in OPERATION_WORDS or word in FILLER_WORDS
            or word in ORDINALS or word in NUMBER_WORDS or word in MAX_WORDS or word in MIN_WORDS
            or word in FAST_WORDS or word in COMPARATIVES)


def one_typo(a: str, b: str, shortest: int = 6) -> bool:
    """Whether two words differ by one edit (a typo), for long words only."""
    if min(len(a), len(b)) < shortest or abs(len(a) - len(b)) > 1 or a == b or a.isdigit() or b.isdigit():
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


class CellIndex:
    """Where each folded cell text and each cell word occurs, for one grid."""

    def __init__(self, grid: Grid):
        self.grid = grid
        self.exact: dict[str, list[tuple[int, int]]] = {}
        self.word: dict[str, list[tuple[int, int]]] = {}
        self.joined: dict[str, list[tuple[int, int]]] = {}
        self.cell_words: dict[tuple[int, int], list[str]] = {}
        self.stemmed: dict[str, list[tuple[int, int]]] = {}     # whole cells stemmed: "lower leg injuri", "wren"
        self.timed = _timed(grid)     # "the year before" names the table's own years
        for r, line in enumerate(grid.texts):
            for j, text in enumerate(line):
                if not text:
                    continue
                ws = words(text)
                if not ws:
                    continue
                self.cell_words[(r, j)] = ws
                self.exact.setdefault(" ".join(ws), []).append((r, j))
                if len(ws) > 1:
                    self.joined.setdefault("".join(ws), []).append((r, j))   # "quayside" for "Quay Side"
                if len(ws) > 1 or ws[0].isalpha():      # "wrens" for "Wren"
                    self.stemmed.setdefault(" ".join(stem(w) for w in ws), []).append((r, j))
                for w in set(ws):
                    self.word.setdefault(w, []).append((r, j))
        self.vocabulary = set(self.word)
        self.labels = {text for text, where in self.exact.items()     # the cells labelling the rows: the first
                       if any(j == 0 or grid.columns[j].dated for _, j in where)}   # column's, a column of dates'
        self.spelled: dict[str, list[tuple[int, int]]] = {}     # cell texts without spaces, for typo matching
        for key, where in self.exact.items():
            self.spelled.setdefault(key.replace(" ", ""), []).extend(where)
        self.by_length: dict[int, list[str]] = {}               # cell texts and cell words by length
        for text in set(self.spelled) | self.vocabulary:
            self.by_length.setdefault(len(text), []).append(text)

    def near(self, typed: str, words_too: bool) -> set[str]:
        """Cell texts (and cell words) one typo away from `typed`."""
        out = set()
        for n in (len(typed) - 1, len(typed), len(typed) + 1):
            out |= {v for v in self.by_length.get(n, ()) if (words_too or v in self.spelled) and one_typo(typed, v)}
        return out

    def phrase(self, ws: list[str]) -> dict[int, set[int]]:
        """Columns -> rows whose cell holds the words `ws` in a row (or is exactly them)."""
        found: dict[int, set[int]] = {}
        first = self.word.get(ws[0], [])
        n = len(ws)
        for r, j in first:
            cw = self.cell_words[(r, j)]
            if any(cw[i:i + n] == ws for i in range(len(cw) - n + 1)):
                found.setdefault(j, set()).add(r)
        return found


@dataclass
class Reading:
    """What one table explains of a question: conditions, header mentions and the content words left over."""

    q: _Question
    thresholds: list[tuple[str, float, str, int]]
    mentions: list[Condition]
    headers: dict[int, list[int]]
    notes: list[str]
    coverage: float
    covered: int
    uncovered: list[str]
    blocking: list[str] = field(default_factory=list)   # uncovered words that name something the table lacks
    names_missing: bool = False                          # among them a capitalised name or a year
    header_meant: bool = False                           # a column of figures was read by meaning (`_meant_header`)

    @property
    def other_year(self) -> bool:
        """The question names a year that neither the table's cells nor its title hold: another table's."""
        return any(_year(w) for w in self.uncovered)


def read_against(text: str, grid: Grid, index: CellIndex) -> Reading:
    """Match a question's words to a table's cells and headers, and measure how much of it the table covers."""
    q = _as_cells_write(_read(text), index)
    used: set[int] = set()
    notes: list[str] = []
    labels = index.labels if set(q.tokens) & MOVES else set()   # "fall between 2019 and 2020": two rows
    thresholds = _thresholds(q, used, [" ".join(words(c.name)) for c in grid.columns], labels)
    if _ELAPSED.search(q.folded):              # "how long had A been open by 2023": the year is an operand
        used.update(i for i, t in enumerate(q.tokens) if _year(t) and i and q.tokens[i - 1] in _UNTIL)
    mentions: list[Condition] = []             # cell values, longest first; header words before single words
    _cell_mentions(q, index, used, mentions, min_len=2)
    headers = _header_mentions(q, grid, used)
    used.update(_year_range_ends(q) - {p for ps in headers.values() for p in ps})   # "24" of "2023-24": no number
    for j, ps in headers.items():       # "7 laps", "3 silver medals": that number in the column just named
        if not grid.columns[j].numeric or grid.columns[j].dated:
            continue                    # "over the 5 seasons": how many seasons, not the season numbered 5
        for p in ps:
            k = next((i for i in (p - 1, p - 2) if i >= 0 and i not in used and _DECIMAL.fullmatch(q.tokens[i])
                      and all(not (x in used) for x in range(i + 1, p))
                      and not (i >= 2 and q.tokens[i - 1] in ("and", "or") and q.tokens[i - 2].isdigit())), None)
            if k is None or (k > 0 and q.tokens[k - 1] in ("than", "least", "most", "over", "under", "top")):
                continue
            value = float(q.tokens[k])
            rows = frozenset(r for r in range(len(grid.rows)) if grid.number(r, j) == value)
            mentions.append(Condition(j, "==", q.tokens[k], value, rows, (k,)))     # no row: none holds it
            used.add(k)
    for j, ps in headers.items():       # "no silver medals": 0 in Silver; "a gold medal": Gold above 0
        if not grid.columns[j].numeric or grid.columns[j].dated:
            continue
        if set(q.tokens[max(ps) + 1:max(ps) + 3]) & BOUND_WORDS:
            continue                    # "a pass rate (figure) above 85": the bound picks the rows, not "a"
        for p in ps:
            k = p - 1
            if k >= 0 and k not in used and q.tokens[k] in ("no", "a", "an", "any", "zero") and not (
                    q.tokens[k] in ("a", "an") and (re.search(r"\bhow much\b", q.folded)   # "the fare for an adult"
                                                    or q.stems[p] in _DATE_NOUNS | {"week", "hour", "night"})):  # "a week"
                zero = q.tokens[k] in ("no", "zero")
                rows = frozenset(r for r in range(len(grid.rows)) if grid.number(r, j) is not None
                                 and (grid.number(r, j) == 0) == zero)
                mentions.append(Condition(j, "==", "0", 0.0, rows, (k,)) if zero else
                                Condition(j, ">", "0", 0.0, frozenset(), (k,)))
                used.add(k)
    for j, ps in headers.items():
        for p in ps:
            k = p + 1
            if k + 1 < len(q.tokens) and q.tokens[k] in ("was", "is", "of", "were", "equals") and \
                    q.tokens[k + 1].isdigit():
                k += 1                          # "where the majority was 4"
            while k < len(q.tokens) and k not in used and q.tokens[k].isdigit():
                rows = frozenset(r for r in range(len(grid.rows)) if words(grid.text(r, j)) == [q.tokens[k]])
                if not rows:
                    break                       # "heat 2", "route 10": the value of the column just named;
                mentions.append(Condition(j, "=", q.tokens[k], None, rows, (k,)))   # "routes 3 and 5": both
                used.add(k)
                k += 2 if q.tokens[k + 1:k + 2] in (["and"], ["or"]) else len(q.tokens)
    _typo_mentions(q, index, used, mentions, notes, (3, 2))
    _cell_mentions(q, index, used, mentions, min_len=1)
    _typo_mentions(q, index, used, mentions, notes, (1,))
    meant = False
    if mentions or headers:             # a table the question is about: a word no cell holds may mean a figure's
        meant = _meant_header(q, grid, used, headers, notes)    # column, or a row
        _meant_rows(q, grid, used, mentions, notes)
    for m in mentions:      # "other than X", "besides X", "not X": rows without the value
        i = m.positions[0] if m.positions else 0
        while i and q.tokens[i - 1] in ("the", "a", "an"):
            i -= 1                          # "not in the East"
        before, three = q.tokens[max(0, i - 2):i], q.tokens[max(0, i - 3):i]
        preps = ("in", "from", "at", "by", "on", "under", "with", "for", "as")
        if i and (q.tokens[i - 1] in NEGATIONS or before == ["other", "than"] or len(before) == 2
                  and before[0] == "not" and before[1] in preps or len(three) == 3 and three[0] == "not"
                  and three[2] in preps) and m.op in ("=", "has"):    # "not in X", "not kept by X"
            m.op = "not"
            used.update(k for k in (i - 1, i - 2) if k >= 0 and q.tokens[k] in NEGATIONS | {"other", "than", "in", "under"})
    for m in mentions:      # a value in several columns, one of them named ("directed by X"): that column only
        named = [(k, rs) for k, rs in m.columns if k in headers]
        if len(named) == 1:
            m.column, m.rows, m.columns = named[0][0], named[0][1], ()
        elif m.columns and grid.columns[m.column].numeric:
            m.columns = ()          # numbers: only the column picked, not every column holding the value
    for m in [m for m in mentions if m.op == "has" and _qualified(q, m, used)]:
        mentions.remove(m)          # "the new harbour wall": a cell's word ("Harbour Trust") that a word the table
        used.difference_update(m.positions)     # lacks qualifies names something else
    used.update(_units(q, grid, headers, used))
    content = [i for i, t in enumerate(q.tokens) if not generic(t) and not t.isdigit() and not _unit(q, i)
               or i in used or _year(t)]
    covered = [i for i in content if i in used or q.stems[i] in grid.title_stems or q.tokens[i] in grid.title_stems
               or index.timed and q.tokens[i] in _A_YEAR]    # "the year before" of a table of dates or year columns
    uncovered = [q.tokens[i] for i in content if i not in covered]
    coverage = len(covered) / len(content) if content else 0.0
    capitals = set(words(" ".join(w for w in _CAPITALISED.findall(text) if w[0].isupper()))) \
        if not text.isupper() else set()
    header_pos = {p for ps in headers.values() for p in ps}
    blocking = [q.tokens[i] for i in content if i not in covered and (
        q.tokens[i] in capitals or _year(q.tokens[i]) or i + 1 in header_pos)]
    missing = any(w in capitals or _year(w) for w in blocking)
    return Reading(q, thresholds, mentions, headers, notes, coverage, len(covered), uncovered, blocking, missing, meant)


_SHORT_MONTHS = {m[:3]: m for m in MONTHS if len(m) > 4 or m in ("june", "july")} | {"sept": "september"}
_IRREGULAR = dict(pair.split("/") for pair in "man/men woman/women child/children person/people foot/feet tooth/teeth "
                  "mouse/mice goose/geese".split())
_CELL_FORMS = _SHORT_MONTHS | _IRREGULAR | {plural: one for one, plural in _IRREGULAR.items()}


def _as_cells_write(q: _Question, index: CellIndex) -> _Question:
    """A question's word as the table's cells write it, when they write it only so: a month shortened ("apr-jun" of
    "April to June"), an irregular plural ("open man" of "Open men")."""
    toks = [form if (form := _CELL_FORMS.get(t)) and t not in index.vocabulary and form in index.vocabulary else t
            for t in q.tokens]
    return q if toks == q.tokens else _Question(q.text, toks, [stem(t) for t in toks], " ".join(toks))


def _verb_columns(q: _Question, grid: Grid, headers: dict[int, list[int]]) -> dict[int, int]:
    """Question positions naming a count column by a verb ("win", "won", "played") -> that column, whose header is the
    verb alone ("Won", "Played"; not "Winning score")."""
    return {p: j for j, ps in headers.items() if grid.columns[j].numeric and not grid.columns[j].dated
            and len([s for s in grid.columns[j].stems if s not in STOPWORDS]) == 1 for p in ps
            if q.stems[p] in FORMS or q.tokens[p] in FORMS.values() or q.tokens[p].endswith("ed")}


def _did(q: _Question) -> int | None:
    """The position of "did" ("do", "does") after a question's first words: "how many games did A win"."""
    return next((i for i, w in enumerate(q.tokens) if w in ("did", "do", "does") and i > 2), None)


_COUNTS = re.compile(r"\b(how many|number of|average|mean|total|more|fewer|less)\b")   # a question asking a figure


def _units(q: _Question, grid: Grid, headers: dict[int, list[int]], used: set[int]) -> set[int]:
    """The positions of the nouns that a count column named by a verb counts: "games" of "how many games did A win",
    "lost more games than they won", "how many games were played" and "the number of games won" (Won and Lost count
    games, whatever the header says). The noun is then read as covered, not as a word the table lacks."""
    if not _COUNTS.search(q.folded):
        return set()            # "when are matches played" asks no figure of Played
    verbs = _verb_columns(q, grid, headers)
    t, did = q.tokens, _did(q)
    out = set()
    for i, w in enumerate(t):
        if i in used or generic(w) or w.isdigit():
            continue
        asked = t[:2] == ["how", "many"] and i == 2 and did is not None and any(p > did for p in verbs)
        passive = i + 2 in verbs and t[i + 1] in ("was", "were", "is", "are")         # "games were played"
        compared = i >= 2 and t[i - 1] in MORE + LESS and i - 2 in verbs           # "lost more games than"
        if asked or i + 1 in verbs or passive or compared:
            out.add(i)
    return out


def _verb_counted(q: _Question, grid: Grid, headers: dict[int, list[int]]) -> int | None:
    """The count column named by the verb of "how many <noun> did <rows> <verb>" ("how many games did A win": Won)."""
    did = _did(q)
    after = sorted((p, j) for p, j in _verb_columns(q, grid, headers).items() if did is not None and p > did)
    counted = len(q.tokens) > 2 and not generic(q.tokens[2])      # "games", not "times"
    return after[0][1] if q.tokens[:2] == ["how", "many"] and counted and after else None


def _unit(q: _Question, i: int) -> bool:
    """Whether the word at `i` is a unit of measure ("kg", "kilos"), no word for a table to hold; a rate's units ("miles
    per hour") name its column, and stay."""
    t = q.tokens
    return t[i] in UNIT_HINTS and "per" not in t[max(0, i - 1):i + 2]


def _qualified(q: _Question, m: Condition, used: set[int]) -> bool:
    """Whether a word the table does not hold comes right before a mention ("new" before "harbour"); a word of order
    does not ("succeeded" before a name)."""
    k = min(m.positions, default=0) - 1
    return k >= 0 and k not in used and not generic(q.tokens[k]) and not q.tokens[k].isdigit() \
        and q.tokens[k] not in AFTER_WORDS | BEFORE_WORDS


def read_plan(text: str, grid: Grid, index: CellIndex, reading: Reading | None = None) -> Plan | None:
    """The plan for a question over one table, or None when the table offers nothing for it."""
    r = reading or read_against(text, grid, index)
    ordered = any(t in MAX_WORDS or t in MIN_WORDS or t in FAST_WORDS or t in ORDINALS or t in ("last", "final")
                  for t in r.q.tokens)
    if not r.q.tokens or (not r.mentions and not r.headers and not r.thresholds and not ordered):
        return None
    notes = list(r.notes)
    plan = Plan("lookup", _target(r.q, grid, r.headers, r.mentions, notes), notes=notes, coverage=r.coverage,
                covered=r.covered, uncovered=r.uncovered, header_meant=r.header_meant)
    plan.yes_no = bool(re.match(r"(is|are|was|were|did|does|do|has|have|had|can)\b", r.q.folded))
    plan.asks_year = bool(re.search(r"\b(what|which) year\b", r.q.folded))
    plan.single = bool(re.search(r"\b(name|tell me|give)\s+(a|an|one)\b", r.q.folded))   # "name one ...": one value
    top = re.search(r"\b(first|top|last|bottom)\s+(\d{1,2})\b", r.q.folded)
    if top and int(top.group(2)) > 1 and not any(m.positions and r.q.tokens[m.positions[0]] == top.group(2)
                                                 for m in r.mentions):
        plan.limit = (top.group(1) in ("first", "top"), int(top.group(2)), top.group(1) in ("top", "bottom"))
    _choose_op(r.q, grid, plan, r.headers, list(r.mentions), list(r.thresholds))
    if plan.op == "lookup" and plan.target in _bounded(plan) and not grid.columns[plan.target].dated \
            and re.match(r"(which|what)\b", r.q.folded):
        plan.target = _name_column(grid)    # "which crossings take under 40 minutes": the rows, not their times
    _read_linking_verb(r.q, plan, r.headers)
    plan.every = _asks_every(r.q, grid, plan, r.headers)
    return plan


def _asks_every(q: _Question, grid: Grid, plan: Plan, headers: dict[int, list[int]]) -> bool:
    """Whether the question asks for a text column's every value: "list the departments", "what are the
    departments" (its header named in the plural, nothing else asked)."""
    if plan.op != "lookup" or plan.conditions or plan.pair or plan.yes_no or plan.uncovered \
            or grid.columns[plan.target].numeric or not re.match(r"(list|(what|which) are)\b", q.folded):
        return False
    header = words(grid.columns[plan.target].name)
    return any(q.tokens[p].endswith("s") and q.tokens[p] not in header for p in headers.get(plan.target, ()))


_YEAR_RANGE = re.compile(r"\b(1[5-9]\d\d|20\d\d)\s*[-–—/]\s*(\d\d)\b")


def _year_range_ends(q: _Question) -> set[int]:
    """Token positions of the two-digit ends of year ranges ("2023-24", "1998/99"), which name a season, not a number."""
    ranges = {(m.group(1), m.group(2)) for m in _YEAR_RANGE.finditer(q.text)}
    return {i + 1 for i in range(len(q.tokens) - 1) if (q.tokens[i], q.tokens[i + 1]) in ranges}


def _fmt_bound(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _year(word: str) -> bool:
    return bool(re.fullmatch(r"1[5-9]\d\d|20\d\d", word))


def _thresholds(q: _Question, used: set[int], headers: list[str], labels: AbstractSet[str] = frozenset()
                ) -> list[tuple[str, float, str, int]]:
    """(op, value, raw, token position of the number) for each comparison with a number, but one a header's words
    hold ("over 65" of "Share over 65"), which names that column, and "between" two of `labels` (row labels: "fell
    between 2019 and 2020" of a row per year), which names two rows."""
    out = []
    joined = q.folded
    starts = []
    pos = 0
    for t in q.tokens:          # character offset of each token in the joined text
        starts.append(pos)
        pos += len(t) + 1
    for m in (() if re.search(r"\bdifference\b", joined) else _BETWEEN.finditer(joined)):
        ks = [next((i for i, s in enumerate(starts) if s == m.start(g)), None) for g in (1, 2)]
        if None in ks or any(k in used for k in ks) or all(
                any(m.group(g) in words(h) for h in headers) for g in (1, 2)) or {m.group(1), m.group(2)} <= labels:
            continue            # "between 2023 and 2024" of columns "2023 (£)" and "2024 (£)" names them, no range
        lo, hi = sorted((float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))))
        out += [(">=", lo, _fmt_bound(lo), ks[0]), ("<=", hi, _fmt_bound(hi), ks[1])]
        used.update(i for i, s in enumerate(starts) if m.start() <= s < m.end())
    for pattern, op_group, num_group in ((_COMPARE, 1, 2), (_POST_COMPARE, 2, 1), (_SPLIT_COMPARE, 1, 2)):
        for m in pattern.finditer(joined):
            raw = m.group(num_group).replace(",", "")
            at = m.start(num_group)
            k = next((i for i, s in enumerate(starts) if s == at), None)
            if k is None or k in used:
                continue
            try:
                value = float(raw)
            except ValueError:
                continue
            if any(f" {' '.join(words(m.group(0)))} " in f" {h} " for h in headers):
                continue
            op = m.group(op_group)
            out.append((_OPS.get(op) or _OPS[f"{op} than"], value, raw, k))   # "more" of a split comparison
            used.add(k)
            for i, s in enumerate(starts):
                if m.start() <= s < m.end() and (pattern is not _SPLIT_COMPARE or i in (k, k - 1) or s == m.start()):
                    used.add(i)     # the column's name between a split comparison's words stays to be read
    return out


def _cell_mentions(q: _Question, index: CellIndex, used: set[int], mentions: list[Condition], min_len: int) -> None:
    n = len(q.tokens)
    for size in range(min(8, n), min_len - 1, -1):
        for i in range(n - size + 1):
            span = range(i, i + size)
            if any(k in used for k in span):
                continue
            ws = q.tokens[i:i + size]
            text = " ".join(ws)
            whole = index.stemmed.get(" ".join(stem(w) for w in ws), [])
            if all(generic(w) for w in ws) and not (size == 1 and ws[0].isdigit()) and not (size > 1 and whole):
                continue            # common words, unless they are a whole cell's ("show entries")
            if size == 1 and (len(ws[0]) < 2 or generic(ws[0])):
                continue
            if (generic(ws[0]) and not ws[0].isdigit() or generic(ws[-1]) and not ws[-1].isdigit()) and not whole:
                continue                    # a phrase starts and ends on content words, or is a whole cell's words
            exact: dict[int, set[int]] = {}     # ("lower leg injuries": the cell "Lower-leg injury")
            for r, j in index.exact.get(text, []) or index.joined.get(text.replace(" ", ""), []) or whole:
                exact.setdefault(j, set()).add(r)
            found = exact or index.phrase(ws)
            if not found or not exact and any(tuple(stem(w) for w in ws) == c.stems for c in index.grid.columns):
                continue        # "league goals" is the header League goals, not a note's words ("... league goals")
            j = _best_column(found, exact, index.grid)
            used.update(span)
            rows = len(index.grid.rows)
            inflected = size == 1 and not index.exact.get(text)       # "wrens" of a cell "Wren"
            if size == 1 and (not exact or inflected) and not ws[0].isdigit() and (
                    stem(ws[0]) in index.grid.title_stems or len(found[j]) > max(2, rows // 2)):
                continue        # the table's own subject ("games" in a games table): covered, not a filter
            rows_of, columns = set(found[j]), {j: frozenset(found[j])}
            if exact and not index.grid.columns[j].numeric:   # a whole cell in several text columns (Home, Away)
                columns = {k: frozenset(rs) for k, rs in exact.items() if not index.grid.columns[k].numeric}
                rows_of = {r for rs in columns.values() for r in rs}
            elif exact:             # numbers in several columns: one of them, unless the question names another
                columns = {k: frozenset(rs) for k, rs in exact.items()}
            mentions.append(Condition(j, "=" if exact else "has", text, None, frozenset(rows_of), tuple(span),
                                      columns=tuple(sorted(columns.items())) if len(columns) > 1 else ()))


def _typo_mentions(q: _Question, index: CellIndex, used: set[int], mentions: list[Condition], notes: list[str],
                   sizes: tuple[int, ...]) -> None:
    """Words one typo away from exactly one cell text or cell word (long words only), read as it and said so."""
    cells = index.spelled
    n = len(q.tokens)
    for size in sizes:
        for i in range(n - size + 1):
            span = range(i, i + size)
            ws = q.tokens[i:i + size]
            if any(k in used for k in span) or any(generic(w) or w.isdigit() for w in ws):
                continue
            typed = "".join(ws)
            if len(typed) < 6:
                continue
            near = index.near(typed, size == 1)
            if len(near) != 1:
                continue
            key = near.pop()
            found = {}
            for r, j in cells.get(key, []):
                found.setdefault(j, set()).add(r)
            if not found:
                found = index.phrase([key])
            j = _best_column(found, {}, index.grid)
            shown = " ".join(ws)
            mentions.append(Condition(j, "has", key, None, frozenset(found[j]), tuple(span), read_as=shown))
            label = index.grid.text(min(found[j]), j) if key in cells else key
            notes.append(f"Read “{shown}” as “{label}” (a spelling variant; no cell reads “{shown}”).")
            used.update(span)


MEANT_HEADER = 0.5  # cosine a figures' header needs with a word that no header holds (`_meant_header`), chosen on
                    # WTQ's 300 questions: at 0.6 / 0.5 / 0.45 / 0.4, oracle 153 / 154 / 154 / 154, open 113 / 114 /
                    # 114 / 112 (docs/tables.md, session 42)
MEANT_ROWS = 40     # rows of a table whose labels a word may mean (each label is embedded once and cached)


def _unexplained(q: _Question, grid: Grid, used: set[int]) -> Iterable[tuple[int, str]]:
    """The question's common words of four letters or more that nothing in the table explains, with their positions:
    what may mean a header or a row label. A name no cell holds ("westgate") means neither."""
    for i, t in enumerate(q.tokens):
        if i not in used and not generic(t) and len(t) >= 4 and t.isalpha() and q.stems[i] not in grid.title_stems \
                and grid.common(t):
            yield i, t


def _meant_header(q: _Question, grid: Grid, used: set[int], headers: dict[int, list[int]], notes: list[str]) -> bool:
    """When the question names no column of figures (but by words of the table's own subject: "mending" of "the mending
    cafe"), a common word no cell or header holds, read as the header of figures the embedding model finds it clearly
    means ("bring": "Items brought"), and said so."""
    numeric = [c.index for c in grid.columns if c.numeric and not c.dated and c.index > 0]
    subject = [j for j in headers if all(q.stems[p] in grid.title_stems for p in headers[j])]
    if grid.meaning is None or len(numeric) < 2 or any(j in numeric for j in headers if j not in subject):
        return False
    names = [grid.columns[j].name for j in numeric]
    for i, t in _unexplained(q, grid, used):
        if t in _YEARLY_WORDS:
            continue                    # "over the three years": the year columns'
        k = grid.meaning.closest(t, names, MEANT_HEADER)
        if k is not None:
            for j in subject:
                del headers[j]
            headers[numeric[k]] = [i]
            notes.append(f"Read “{t}” as the column “{names[k]}” (closest in meaning).")
            used.add(i)
            return True
    return False


def _meant_rows(q: _Question, grid: Grid, used: set[int], mentions: list[Condition], notes: list[str]) -> None:
    """Common words that no cell or header holds, read as the one row label the embedding model finds they clearly
    mean ("kids": "Children (under 16)"; `HeaderMeaning.closest`), and said so."""
    if grid.meaning is None or not grid.rows or len(grid.rows) > MEANT_ROWS:
        return
    j = _name_column(grid)
    if grid.columns[j].numeric:
        return
    labels = [grid.text(r, j) for r in range(len(grid.rows))]
    named = {r for m in mentions if m.column == j for r in m.rows}
    for i, t in _unexplained(q, grid, used):
        r = grid.meaning.closest(t, labels)
        if r is None or r in named:
            continue
        mentions.append(Condition(j, "=", labels[r], None, frozenset({r}), (i,), read_as=t))
        notes.append(f"Read “{t}” as the row “{labels[r]}” (closest in meaning).")
        used.add(i)


def _best_column(found: dict[int, set[int]], exact: dict[int, set[int]], grid: Grid) -> int:
    """The column a mentioned value most likely belongs to: exact cells first, then text columns, fewer rows."""
    return min(found, key=lambda j: (j not in exact, grid.columns[j].numeric, -grid.columns[j].distinct, j))


def _header_mentions(q: _Question, grid: Grid, used: set[int]) -> dict[int, list[int]]:
    """Columns whose header words the question uses -> the question positions naming them."""
    out: dict[int, list[int]] = {}
    for col in grid.columns:
        content = [s for s in col.stems if s not in STOPWORDS]
        if not content:
            continue
        col_words = [w for w in words(col.name) if len(w) >= 4]
        for i, s in enumerate(q.stems):
            if i in used or q.tokens[i] in STOPWORDS:
                continue
            if s in content or FORMS.get(s) in content or (not generic(q.tokens[i]) and any(one_typo(q.tokens[i], w, 4) for w in col_words)):
                out.setdefault(col.index, []).append(i)
    for i, t in enumerate(q.tokens):    # "percentage", "share": a column of percentages, whatever its header
        if t in PERCENT_WORDS and i not in used and not any(i in ps for ps in out.values()):
            percent = [c.index for c in grid.columns if c.percent]
            if len(percent) == 1:
                out.setdefault(percent[0], []).append(i)
    for i, s in enumerate(q.stems):     # "funded" names "Funder", "directed" "Director": the doer of the verb
        for j in _doers(grid, s):
            if i not in used and not any(i in ps for ps in out.values()):
                out.setdefault(j, []).append(i)
    for i, t in enumerate(q.tokens):    # "spent", "paid": the one column of money, whatever its header
        money = [c.index for c in grid.columns if c.numeric and priced(c)] \
            if t in SPENDING else []
        money = [j for j in money if j in out] if len(money) > 1 else money   # "spent in 2024": "2024 (£)"
        if len(money) == 1 and i not in used and not any(i in ps for ps in out.values()):
            out.setdefault(money[0], []).append(i)
    _abbreviated(q, grid, out, used)
    # a question word naming several columns names the one whose header it covers most
    by_pos: dict[int, list[int]] = {}
    for j, ps in out.items():
        for p in ps:
            by_pos.setdefault(p, []).append(j)
    for p, js in by_pos.items():
        if len(js) > 1:
            best = max(js, key=lambda j: (len(out[j]) / max(1, len(grid.columns[j].stems)),   # then the one more
                                          sum(not generic(q.tokens[k]) for k in out[j]),       # content words name,
                                          _totals(grid, j, {q.stems[k] for k in out[j]}), -j))  # then a total's
            for j in js:
                if j != best:
                    out[j].remove(p)
    out = {j: ps for j, ps in out.items() if ps}
    for ps in out.values():
        used.update(ps)
    return out


_TOTAL_STEMS = frozenset({"all", "total", "overal", "combin"})


def _totals(grid: Grid, j: int, named: set[str]) -> bool:
    """Whether a column's header is the words named and a word for all of them: "seats" is "All seats", not
    "Matinee seats"."""
    rest = set(grid.columns[j].stems) - named
    return bool(rest) and rest <= _TOTAL_STEMS


def abbreviates(header: str, word: str) -> bool:
    """Whether a header of one to four letters abbreviates a word of a few letters more: "Pts" points, "Avg" average,
    "D" draws. Its letters come in order in the word, the first first, and none after the first is a vowel (an
    abbreviation drops them: "Age" is no "average"); a long word is no header's ("participants" is not "Pts")."""
    short = header.strip().rstrip(".").lower()
    if not (short.isalpha() and len(short) <= 4 and word[:1] == short[:1]):
        return False
    if len(short) == 1:
        return 4 <= len(word) <= 7
    letters = iter(word)
    return (len(short) < len(word) <= 3 * len(short) and not set(short[1:]) & set("aeiou")
            and all(c in letters for c in short))


def _abbreviated(q: _Question, grid: Grid, out: dict[int, list[int]], used: set[int]) -> None:
    """Question words no header names by its words, named by the one header that abbreviates them most fully ("how
    many draws" names "D", "points" names "Pts" before "P"). A header of one letter is an abbreviation only in a row
    of them ("P | W | D | L")."""
    named = {p for ps in out.values() for p in ps}
    initials = sum(len(c.name.strip()) == 1 for c in grid.columns) >= 2
    headers = [c for c in grid.columns if initials or len(c.name.strip()) > 1]
    for i, t in enumerate(q.tokens):
        if i in used or i in named or generic(t) or not t.isalpha() or q.stems[i] in grid.title_stems:
            continue                # "the whole league" of a league's table: its own subject, not "L"
        found = [c for c in headers if abbreviates(c.name, t)]
        fullest = max((len(c.name.strip()) for c in found), default=0)
        longest = [c for c in found if len(c.name.strip()) == fullest]
        if len(longest) == 1:
            out.setdefault(longest[0].index, []).append(i)


def _doers(grid: Grid, verb: str) -> list[int]:
    """The columns whose header names the doer of a stemmed verb ("Funder" for "fund", "Director" for "direct")."""
    return [c.index for c in grid.columns if verb in c.doers]


def offers_choice(text: str) -> re.Match | None:
    """ "higher or lower", "more or less": a question whose answer is one of its own two comparative words."""
    return re.search(rf"\b({'|'.join(MORE)}) or ({'|'.join(LESS)})\b|\b({'|'.join(LESS)}) or ({'|'.join(MORE)})\b",
                     " ".join(words(text)))


def by_meaning(grid: Grid, word: str, columns: list[int]) -> int | None:
    """The column among `columns` whose header the embedding model finds `word` means, if one clearly is."""
    if grid.meaning is None or not columns or generic(word):
        return None
    k = grid.meaning.closest(word, [grid.columns[j].name for j in columns])
    return None if k is None else columns[k]


def _labels_rows(grid: Grid, j: int) -> bool:
    """Whether a column of numbers labels the rows: the table's first, every row its own ("Route": 1, 2, 3, 5, ...)."""
    return j == 0 and grid.columns[j].distinct >= 1.0


def _name_column(grid: Grid) -> int:
    """The column that names each row: the first mostly distinct text column."""
    for col in grid.columns:
        if not col.numeric and not col.dated and col.distinct >= 0.6:
            return col.index
    return next((c.index for c in grid.columns if not c.numeric), 0)


_DATE_NOUNS = frozenset(stem(w) for w in ("year", "date", "day", "month", "season"))


def _target(q: _Question, grid: Grid, headers: dict[int, list[int]], mentions: list[Condition],
            notes: list[str] | None = None) -> int:
    """The column whose cell answers the question."""
    f = q.folded
    asked = re.search(r"\b(?:which|what|whose|name the|name a|list the)\s+((?:\w+\s+){0,4}\w+)", f)
    noun = None
    if asked:
        nouns = [w for w in asked.group(1).split() if not generic(w) and not w.isdigit()]
        noun = nouns[0] if nouns else None
        ordered = re.search(r"\b(next|after|before|previous|preceding|following|prior)\b", f)
        fixed = set() if ordered else {m.column for m in mentions if m.op == "=" and not m.columns}
        for i, w in enumerate(nouns[:2]):
            s = stem(w)
            hit = [c.index for c in grid.columns if s in c.stems and c.index not in fixed and not (
                s in _DATE_NOUNS and c.numeric and not c.dated)]    # "what year": not "Years in post" (head teachers)
            if hit and (i == 0 or not grid.columns[hit[0]].numeric):
                return hit[0]       # "which party has the most seats": not the Seats column
    if not re.search(r"\bhow (many|much)\b", f):
        for t, following in zip(q.tokens, q.tokens[1:]):
            if t in MAX_WORDS or t in MIN_WORDS or t in FAST_WORDS:
                hit = [c.index for c in grid.columns if stem(following) in c.stems and (not c.numeric or c.dated)]
                if hit:     # "the busiest month for loans": the month, not the loans
                    return hit[0]
    after = re.search(r"\b(?:next|previous|preceding|following)\s+(\w+)", f)
    if after:               # "the next incumbent after X": the column that word names
        hit = [c.index for c in grid.columns if stem(after.group(1)) in c.stems and not c.numeric]
        if hit:
            return hit[0]
    who = re.search(r"\b(?:who|whom)\s+((?:\w+\s+){0,3}\w+)", f)
    if who:                 # "who was the opponent ...": a text column named right after "who"
        conditioned = {m.column for m in mentions}
        for w in [w for w in who.group(1).split() if not generic(w) and not w.isdigit()][:2]:
            hit = [j for j in _doers(grid, stem(w)) if not grid.columns[j].numeric] or [
                c.index for c in grid.columns if stem(w) in c.stems and not c.numeric and c.index not in conditioned]
            if hit:
                return hit[0]
    if re.search(r"\bwhen\b|\b(?:what|which) (?:(?:is|was|were|are|the|only|first|last) ){0,3}"
                 r"(?:year|date|day|month|season)\b", f):
        hit = [c.index for c in grid.columns if set(c.stems) & {stem(w) for w in WHEN_HEADERS}
               and (c.dated or not c.numeric)]
        if hit:
            return hit[0]
        dated = [c.index for c in grid.columns if c.dated]
        if dated:
            return dated[0]
    if re.search(r"\bwhere\b", f):
        hit = [c.index for c in grid.columns if set(c.stems) & {stem(w) for w in WHERE_HEADERS}]
        if hit:
            return hit[0]
    if re.search(r"\bwho\b|\bwhom\b", f):
        hit = [c.index for c in grid.columns if set(c.stems) & {stem(w) for w in WHO_HEADERS}]
        if hit:
            return hit[0]
    conditioned = {m.column for m in mentions}
    free = [j for j in headers if j not in conditioned]
    if noun is not None and not re.search(r"\bhow (many|much)\b", f) and not any(
            stem(noun) in c.stems for c in grid.columns):
        meant = by_meaning(grid, noun, [c.index for c in grid.columns if not c.numeric and c.index not in conditioned])
        if meant is not None:   # "which country": the Nation column, by the embedding model
            if notes is not None:
                notes.append(f"Read “{noun}” as the column “{grid.columns[meant].name}” (closest in meaning).")
            return meant
        return _name_column(grid) if _name_column(grid) not in conditioned or not free else free[0]
    if re.search(r"\bhow (many|much)\b", f) or not re.search(r"\b(which|who|whom|whose)\b", f):
        numeric = [j for j in free if grid.columns[j].numeric]
        if numeric:     # the one named most fully: "average response time for lift calls" is not Calls
            return max(numeric, key=lambda j: len(headers[j]))
    if re.search(r"\bhow much\b", f) and not free:
        amounts = [c.index for c in grid.columns if c.numeric and not c.dated and c.index not in conditioned
                   and not set(c.stems) & RANK_STEMS]
        amounts = [j for j in amounts if not grid.columns[j].percent] or amounts   # an amount, not its share
        if len(amounts) == 1:
            return amounts[0]       # "how much did X give": the table's one amount
    if free and not re.search(r"\b(which|who|whom|whose)\b", f):
        return free[0]
    name = _name_column(grid)
    if name in conditioned and free:
        return free[0]
    return name


_LINKS = {"or", "than", "and", "vs", "versus", "between", "against", "with", "nor"}


def _one_label(q: _Question, a: Condition, b: Condition) -> bool:
    """Whether two mentions of one column name one row: one's rows hold the other's ("boats were repaired": "Boats
    repaired", not "Boats hired out" too), or one names a row and the other several, a qualifier ("the longest queue
    for moorings"); and no "or", "than", "and" stands between them."""
    nested = a.rows <= b.rows or b.rows <= a.rows
    qualifier = 1 == min(len(a.rows), len(b.rows)) < max(len(a.rows), len(b.rows)) and a.value.isalpha() \
        and b.value.isalpha()       # words: "november" and "1971" in different rows are a date no row holds
    if not (nested or qualifier) or not a.positions or not b.positions:
        return False
    lo, hi = sorted((min(a.positions), min(b.positions)))
    return not set(q.tokens[lo:hi]) & _LINKS


def _bounded(plan: Plan) -> set[int]:
    """The columns the plan bounds by a number ("with a head over 20"): they pick rows."""
    return {c.column for c in plan.conditions if c.number is not None and c.op in ("<", ">", "<=", ">=")}


def _measure(q: _Question, grid: Grid, headers: dict[int, list[int]], plan: Plan, word: str | None) -> int | None:
    """The numeric (or dated) column an operation reads: named in the question, hinted by the superlative word,
    or the table's only numeric column."""
    named = [j for j in headers if (grid.columns[j].numeric or grid.columns[j].dated and word in _BY_DATE | {None})
             and j != plan.target]      # "the lowest number of loans in any one month": not the Month column
    paired = {c.column for c in plan.pair}      # "in the jul-sep quarter than in jan-mar": Quarter picks the rows
    named = [j for j in named if j not in paired] or ([] if plan.target in headers and grid.columns[
        plan.target].numeric and paired else named)
    plan.measure_named = True
    # a column the question bounds ("with a head over 20") picks rows; the one it measures is another named column
    free = [j for j in named if j not in _bounded(plan)]
    if free:
        return free[0]
    if named and plan.target in headers and grid.columns[plan.target].numeric:
        return plan.target
    if named:
        return named[0]
    after = next((q.tokens[i + 1] for i, t in enumerate(q.tokens[:-1]) if t == word), None)
    hint = HINTS.get(word or "") or HINTS.get(after or "")      # "cheapest", "most expensive"
    if hint:
        hinted = {stem(w) for w in hint.split()}
        for col in grid.columns:
            if set(col.stems) & hinted and (col.numeric or col.dated):
                return col.index
    if after is not None and not generic(after) and not after.isdigit():     # "the most points": a Pts column
        meant = by_meaning(grid, after, [c.index for c in grid.columns if c.numeric and c.index != plan.target])
        if meant is not None:
            plan.notes.append(f"Read “{after}” as the column “{grid.columns[meant].name}” (closest in meaning).")
            return meant
    plan.measure_named = False
    if plan.target in headers and grid.columns[plan.target].numeric:
        return plan.target
    numeric = [c.index for c in grid.columns if (c.numeric or c.dated) and c.index != plan.target
               and not set(c.stems) & {"rank", "no", "po", "posit", "pos", "number", "#"} and c.index != 0]
    if word in _BY_DATE:
        dated = [j for j in numeric if grid.columns[j].dated]
        if dated:
            return dated[0]
    years = _year_columns(grid)
    if len(numeric) > 1 and all(j in years for j in numeric):   # "the biggest item in the budget" of "2023 (£)" and
        latest = max(numeric, key=years.get)                      # "2024 (£)": the latest year's
        plan.notes.append("No year named: read the latest year's column.")
        return latest
    totals = [j for j in numeric if set(grid.columns[j].stems) & _TOTAL_STEMS and not grid.columns[j].dated]
    if len(numeric) > 1 and len(totals) == 1:
        plan.notes.append(f"No figure named: read the total, “{grid.columns[totals[0]].name}”.")
        return totals[0]        # "the busiest month" of Lane, Club and All swims: the most swims of all
    return numeric[0] if len(numeric) == 1 else None


def _choose_op(q: _Question, grid: Grid, plan: Plan, headers: dict[int, list[int]], mentions: list[Condition],
               thresholds: list[tuple[str, float, str, int]]) -> None:
    f = q.folded
    toks = set(q.tokens)
    # comparisons with a number filter a numeric column: the one named next to the number, else any measure
    for op, value, raw, pos in thresholds:
        column = _nearest_numeric(q, grid, headers, pos, op)
        if column is not None and _years_of_no_figure(grid, column, thresholds):
            plan.unresolved.append(raw)     # "how many staff were there between 2019 and 2021" of a table with no
            continue                        # years: a time range, not a bound on the staff figures
        after = q.stems[pos + 1] if pos + 1 < len(q.tokens) else ""
        rows_are = set(grid.title_stems) | ROW_WORDS | {s for c in grid.columns if not c.numeric for s in c.stems}
        if column is None and plan.yes_no and after in rows_are and not plan.count_bound:
            plan.count_bound = (op, value, raw)     # "does X have more than 4 stations": a bound on a row count
        elif column is None:
            plan.unresolved.append(raw)     # a bound on no known column: never dropped silently
        else:
            tail = q.tokens[pos + 1:pos + 3]
            if set(grid.columns[column].stems) & RANK_STEMS and tail[:1] == ["or"] and tail[1:] and \
                    tail[1] in ("lower", "worse", "below", "higher", "better", "above"):
                op = ">=" if tail[1] in ("lower", "worse", "below") else "<="    # "15th or lower": 15, 16, ...
            plan.conditions.append(Condition(column, op, raw, value, frozenset(), (pos,)))
    # mentions: several values of one column asked "A or B" are a pair to compare, else conditions
    by_col: dict[int, list[Condition]] = {}
    for m in list(mentions):
        same = next((o for o in by_col.get(m.column, []) if m.rows and o.op == m.op and (
            o.rows == m.rows or _one_label(q, o, m))), None)
        if same is not None:        # "a van at peak than a van off-peak": one row named twice is one mention;
            keep = min((same, m), key=lambda c: len(c.rows))    # "boats were repaired": one label's words
            merged = replace(keep, positions=tuple(sorted(same.positions + m.positions)))
            by_col[m.column][by_col[m.column].index(same)] = merged
            mentions[mentions.index(same)] = merged
            mentions.remove(m)
        elif m.op != "not":
            by_col.setdefault(m.column, []).append(m)
    pair_col = next((j for j, ms in by_col.items() if len(ms) >= 2), None)
    if pair_col is not None and re.search(r"\bor\b|\bthan\b|\bbetween\b|\bdifference\b|\bversus\b|\bvs\b|\band\b", f):
        plan.pair = by_col[pair_col] if _together(f) else by_col[pair_col][:2]
        mentions = [m for m in mentions if m not in plan.pair]
    elif pair_col is not None:
        plan.pair = by_col[pair_col]
        mentions = [m for m in mentions if m not in plan.pair]
    plan.conditions += [m for m in mentions if m.column != plan.target or m.op == "="]
    if any(m.column == plan.target and m.op != "=" for m in mentions) and not plan.pair:
        plan.conditions += [m for m in mentions if m.column == plan.target and m.op != "="]
    every = {j for j in headers for p in headers[j] if p and q.tokens[p - 1] in ("all", "each", "every")
             and not grid.columns[j].numeric}
    plan.conditions = [c for c in plan.conditions if not (c.op == "has" and c.column in every)]   # "hours of junior
                # sessions across all types", "shifts does each patrol run": every row, not those saying "junior", "run"
    how_much = re.search(r"\bhow much\b", f) or (   # "how much did A rise": a change; "how many lines rose": rows
        toks & MOVES and not re.search(r"\bhow many\b", f) and any(   # "the increase in A between 2021 and 2024":
            c.op in ("=", "has") and len(c.rows) == 1 for c in plan.conditions))  # A's change, A being one row
    beats = None if plan.pair or thresholds else _column_beats(q, grid, headers)
    by_year = False
    moves = toks & (MOVES | {"growth"}) - ({"up"} if re.search(r"\bma(?:ke|kes|de|king) up\b", f) else set())
    relative = bool(toks & PERCENT_WORDS and moves)      # "the percentage rise from A to B": one figure's change, no
    if beats is None and not (plan.pair or thresholds or how_much or relative):   # rows that rose ("make up": no rise)
        beats = _column_moves(q, grid, headers)     # "which lines were cut between 2023 and 2024"
        by_year = beats is None and (beats := _row_moves(q, grid, headers)) is not None  # "in which years did ..."
        if beats is not None:
            _read_moves(plan)
    if beats is not None:       # "which branch had more visits than loans": rows where one column beats another
        plan.conditions.append(beats)
        if plan.target in headers and grid.columns[plan.target].numeric:
            plan.target = _name_column(grid)
        if by_year:
            plan.target = 0     # a row per year: the years
        if re.match(r"(in )?(which|what)\b", f) and not toks & (MAX_WORDS | MIN_WORDS):
            return              # the rows themselves: "in which year did the number of patients fall" is no count
    if plan.count_bound:
        plan.op = "count"
        return
    if _per(q, grid, headers, plan) or not relative and _share(q, grid, headers, plan) or \
            _elapsed(q, grid, headers, plan):
        return
    sup = next((t for i, t in enumerate(q.tokens) if (t in MAX_WORDS or t in MIN_WORDS or t in FAST_WORDS)
                and not (i and q.tokens[i - 1] == "at") and not (plan.limit and t in ("top", "bottom"))), None)
    if sup == "most" and "recent" in toks:
        sup = "latest"                  # "the most recent": the latest date
    graded = [j for j in headers if grid.columns[j].percent or set(grid.columns[j].stems) & RANK_STEMS]
    if sup is None and len(graded) == 1 and (toks & {"best", "worst"}):     # of a rate or a rank only: the worst
        ranked = bool(set(grid.columns[graded[0]].stems) & RANK_STEMS)      # delay is the longest; "the worst success
        sup = "lowest" if ("worst" in toks) != ranked else "highest"        # rate": the lowest; the best rank: 1
    comparative = next((COMPARATIVES[t] for t in q.tokens if t in COMPARATIVES), None)
    in_header = {p for ps in headers.values() for p in ps}
    nth = next((ORDINALS[t] for i, t in enumerate(q.tokens) if t in ORDINALS and i not in in_header
                and not (i and q.tokens[i - 1].replace(".", "").isdigit())), None)   # not "Second prize"'s
    years_between = re.search(r"\bhow many years\b", f) and (plan.pair or re.search(r"\bbetween\b", f))
    two = None if plan.pair else _two_columns(grid, headers, plan) or _latest_two(grid, headers, f) or (
        _dated_pair(grid) if how_much and toks & MOVES and _one_row(plan) else None)   # "how much did A grow"
    moved = how_much and toks & MOVES and (two or len(plan.pair) == 2)    # "how much did revenue grow from A to B"
    degree = next((i + 2 for i in range(len(q.tokens) - 2) if q.tokens[i] == "how" and q.tokens[i + 1] in (
        "much", "many") and q.tokens[i + 2] in DEGREES), None)    # "how much faster is A than B", not "how many
    in_cell = any(degree in m.positions for m in mentions)       # lower leg injuries" of a cell "Lower-leg injury"
    relative = relative and bool(two or len(plan.pair) == 2)
    if years_between or moved or relative or re.search(r"\b(difference|how many extra|how long between)\b", f) or (
            degree is not None and not in_cell):
        plan.op, plan.relative = "difference", relative
        if relative:
            _read_moves(plan)
            plan.uncovered = [w for w in plan.uncovered if w not in PERCENT_WORDS and w != "growth"]
        if two:                 # "how much more went on A in 2024 than in 2023": one row's change between columns
            plan.measure, plan.measure2 = two
            _read_moves(plan)
            return
        plan.measure = _measure(q, grid, headers, plan, comparative)     # "how many years older": a date column
        if moved:
            _read_moves(plan)   # "how much did takings grow from 1998 to 2024": two rows, "grow" read
        high = toks & (MAX_WORDS | {"last", "latest", "greatest", "most"})
        low = toks & (MIN_WORDS | {"first", "earliest", "least"})
        plan.span = not plan.pair and bool(high) and bool(low)    # "between the greatest and the least": a range
        if plan.measure is None and plan.target != _name_column(grid) and grid.columns[plan.target].numeric:
            plan.measure = plan.target
        return
    if plan.pair and re.search(r"\bor\b|\bthan\b", f):
        plan.op = "compare_rows"
        if re.search(r"\bor\b", f):
            plan.yes_no = False     # "did A or B get more": one of the two, not a yes or a no
        plan.measure = _measure(q, grid, headers, plan, sup or comparative)
        plan.direction = "min" if (toks & (MIN_WORDS | {"less", "fewer", "lower", "smaller", "shorter", "worse"})
                                   or FAST_WORDS.get(sup or "") == "min") else "max"
        either = offers_choice(f)
        if either:          # "a higher or lower population than B": the answer is one of those two words
            words_ = [w for w in either.groups() if w]
            plan.choice = (words_[0], words_[1]) if words_[0] in MORE else (words_[1], words_[0])
            plan.direction = "max"
        return
    if re.search(r"\bhow many\b", f) and _RANGE.search(f) and len(plan.pair) == 2 and all(
            c.rows for c in plan.pair):        # "how many picks were between X and Y": rows strictly between them
        plan.op, plan.between = "count", True
        return
    if re.search(r"\bhow many\b", f):        # "before X, how many ...": rows above X's row in the table
        for i, t in enumerate(q.tokens):
            anchor = next((c for c in plan.conditions if t in ("before", "after") and c.op in ("=", "has")
                           and c.positions and c.positions[0] in (i + 1, i + 2)
                           and q.tokens[max(0, i - 2)] != "the"), None)   # not "in the month before X": its row
            if anchor is not None and anchor.rows:
                plan.conditions.remove(anchor)
                plan.anchor, plan.op = (t, anchor), "count"
                return
    gap = re.search(r"\bhow (?:far|much|many \w+) (?:behind|ahead)\b", f)    # "how far behind X was Y": a gap,
    if toks & AFTER_WORDS and (plan.pair or plan.conditions) and not gap \
            and not any(c.op in "<>" for c in plan.conditions if c.number is not None):   # not the row after X
        plan.op = "next"
        plan.uncovered = [w for w in plan.uncovered if w not in AFTER_WORDS]
        return
    if (toks & BEFORE_WORDS or re.search(r"\bahead of\b", f)) and (plan.pair or plan.conditions) and not gap \
            and not any(c.op in "<>" for c in plan.conditions if c.number is not None):
        plan.op = "previous"
        plan.uncovered = [w for w in plan.uncovered if w not in BEFORE_WORDS]
        return
    averaged = [i for i, t in enumerate(q.tokens) if t in ("average", "avg", "mean")]
    only_header = all(i in in_header and q.tokens[i - 1:i] != ["on"] for i in averaged)   # "the longest average stay",
                                            # "average grade in french" (never "on average", which is the operator):
    if averaged and not (only_header and (sup or plan.conditions or plan.pair)):    # a header's word, no average
        plan.op = "avg"
        plan.across = _yearly(q, grid, headers, plan)
        if plan.across:         # the words saying it is yearly are what the year columns cover, its years no bounds
            plan.conditions = [c for c in plan.conditions if not (c.column in plan.across and c.op[:1] in "<>")]
            kept = [w for w in plan.uncovered if w not in _YEARLY_WORDS]
            plan.covered += len(plan.uncovered) - len(kept)
            plan.uncovered, plan.coverage = kept, plan.covered / ((plan.covered + len(kept)) or 1)
            return
        summed = {j: ps for j, ps in headers.items() if not grid.columns[j].dated}   # "how many seats a month":
        named = {j: kept for j, ps in summed.items() if (kept := [p for p in ps if p not in averaged])}  # not Month
        plan.measure = _measure(q, grid, named or summed, plan, None)   # not "Average stay" for "average beds"
        return
    at = q.tokens.index(sup) if sup in q.tokens else None     # ("latest" stands for "most recent")
    low = sup in MIN_WORDS or FAST_WORDS.get(sup) == "min"
    figure = next((j for j in _quantities(grid, headers) if at is not None and any(
        at < p <= at + 3 for p in headers[j])), None) if sup and re.search(r"\bhow (many|much)\b", f) else None
    if figure is not None and not plan.pair:     # "how much was the single biggest cost": the figure itself
        plan.op = "min" if low else "max"
        plan.measure = plan.target = figure
        return
    if sup and not re.search(r"\bhow (many|much)\b", f) or (sup and re.search(r"\b(which|who|what)\b", f)):
        plan.op = "argmin" if low else "argmax"
        plan.n = max(1, ORDINALS.get(q.tokens[at - 1], 1)) if at else 1     # "the second busiest": the runner-up
        if beats is not None and not by_year and (two := _moving_columns(q, grid, headers)) is not None:
            plan.measure, plan.measure2 = two   # "which hives grew the most from 2022-23 to 2023-24": the largest rise
            if not _moved(q)[0]:
                plan.op = "argmin" if plan.op == "argmax" else "argmax"     # "fell the most": the lowest change
            return
        if _one_row(plan) and re.search(r"\b(which|what) (year|season)\b|\bwhen\b", f) and not any(
                j in _year_columns(grid) for j in headers) and (across := _yearly(q, grid, headers, plan)):
            plan.across, plan.target = across, 0     # "which year had the longest queue": the year column
            return                                  # where the one row named is largest
        plan.measure = _measure(q, grid, headers, plan, sup)
        if plan.measure is not None and plan.measure == plan.target and sup not in _WHEN_ORDER and (
                plan.measure not in headers or plan.measure not in _quantities(grid, headers)):
            plan.unresolved.append(sup)     # "what film had the biggest audience": no column of audiences; the
            return                          # biggest of the films' own seasons is no answer
        counts = _count_columns(grid)
        if plan.measure is None and grid.columns[plan.target].distinct == 1 and len(counts) == 1:
            plan.measure = counts[0]        # "the most common type of incident", each type once: the one with the
            plan.notes.append(f"Read the count column “{grid.columns[counts[0]].name}”.")     # most call-outs
        if plan.measure is not None and grid.columns[plan.measure].dated and sup in ("oldest", "youngest"):
            plan.op = "argmin" if sup == "oldest" else "argmax"
        if plan.measure is None and sup in ("top", "first", "latest", "last", "bottom"):
            plan.op = "first" if sup == "top" else "last"
        if plan.measure is not None and (re.match(r"how (?!many|much|come)\w+", f) or re.search(
                r"\b(?:number|amount) of\b", f) and (re.match(r"what (?:is|was|are|were)\b", f) or not re.search(
                    r"\b(?:which|what|who|whom|whose)\b", f))) and not grid.columns[plan.measure].dated:
            plan.op, plan.target = ("max" if plan.op == "argmax" else "min"), plan.measure   # "how heavy is the
            # lightest model": the weight, not the model; "the lowest number of loans": the number, not the month
            # ("what party holds the largest number of seats": the party)
        elif plan.measure == plan.target and re.search(r"\bwhat\b.*\b(most|highest|largest|greatest|least|lowest)\b", f):
            plan.op = "max" if plan.op == "argmax" else "min"
        elif plan.measure is not None and re.match(r"what (?:is|was|are|were) the\b", f) and {
                s for s in set(grid.columns[plan.target].stems) & set(grid.columns[plan.measure].stems)
                if not s.isdigit()} and grid.columns[plan.target].numeric and not grid.columns[plan.target].dated:
            plan.op, plan.target = ("max" if plan.op == "argmax" else "min"), plan.measure   # "what was the worst
            # on-time percentage in 2023": that figure, not the row's in the other year's column of the same figure
        elif plan.measure is not None and plan.measure == plan.target and _name_column(grid) != plan.measure:
            plan.target = _name_column(grid)        # "the team with the most goals": the row, not the figure
        elif plan.measure is not None and re.match(r"(which|who)\b", f) and grid.columns[plan.target].numeric \
                and not grid.columns[plan.target].dated and not _labels_rows(grid, plan.target):
            plan.target = _name_column(grid)        # "which kind of item was most likely mended": the row, not its
                                                    # figure in Items brought; "which route": its number
        return
    if (any(t in ("first", "last", "final", "top", "bottom") and i not in in_header for i, t in enumerate(q.tokens))
            or nth) and plan.limit is None:
        plan.op = "last" if re.search(r"\b(last|final|bottom)\b", f) else "nth" if nth and nth > 1 else "first"
        plan.n = nth or 1
        dated = [j for j in headers if grid.columns[j].dated and j not in {c.column for c in plan.conditions}]
        if dated and plan.op in ("first", "last") and re.search(r"\b(first|last)\b", f):
            plan.measure = dated[0]         # "opened first": the earliest date of the column named
            plan.op = "argmin" if plan.op == "first" else "argmax"
            if plan.target == plan.measure and re.match(r"(which|who)\b", f):
                plan.target = _name_column(grid)      # "which was opened first": the row's name
            elif plan.target == plan.measure:
                plan.op = "min" if plan.op == "argmin" else "max"     # "the date of the first ...": the date
            return
        ranked = re.search(r"\b(first|last)\s+(?:in|on|for|by)\s+(?:the\s+)?(\w+)", f)
        by = [c.index for c in grid.columns if ranked and c.numeric and stem(ranked.group(2)) in c.stems
              and c.index != plan.target]
        if by:              # "ranks first in altitude": the highest; "first" by a rank column: the lowest rank
            plan.measure = by[0]
            low = bool(set(grid.columns[by[0]].stems) & RANK_STEMS)
            plan.op = "argmin" if (ranked.group(1) == "first") == low else "argmax"
        return
    said_count = any(t == "count" and i not in in_header for i, t in enumerate(q.tokens))   # not "Peak count"'s
    if re.search(r"\bhow (many|much)\b|\bnumber of\b|\btotal\b|\bsum\b|\bcombined\b|\badd up\b", f) or said_count:
        after = re.search(r"\b(?:how many|how much|number of|total|count of)\s+(\w+)(?:\s+(\w+))?(?:\s+(\w+))?", f)
        noun, head = [], ""  # the words counted, up to the first content word ("how many total medals")
        said = [w for w in (after.groups() if after else ()) if w]
        for w in said:
            if w and not w.isdigit() and w not in STOPWORDS:
                noun.append(stem(w))
                if not generic(w):
                    head = w
                    break
        figures = {s for c in grid.columns if c.numeric and not c.dated for s in c.stems}
        for w in said[said.index(head) + 1:] if head and stem(head) in figures else []:
            if generic(w) or w.isdigit() or stem(w) not in figures:
                break
            noun, head = [stem(w)], w   # "total volunteer hours": hours, the compound's last noun, not volunteers
                                        # (a first word no column holds qualifies: "junior hours" stays unread)
        noun += [FORMS[w] for w in noun if w in FORMS]        # "how many losses": the Lost column
        rows_are = set(grid.title_stems) | {s for c in grid.columns if not c.numeric or c.dated for s in c.stems} | ROW_WORDS
        kind = said[said.index(head) + 1:said.index(head) + 2] if head else []
        if kind and stem(kind[0]) in rows_are - {"number"}:
            noun = [stem(kind[0])]  # "how many item categories": rows of the Category column, not Items brought
        conditioned = {c.column for c in plan.conditions} | {c.column for c in plan.pair}
        counted_at = {i for i, s in enumerate(q.stems) if s in set(noun) - {"number"}}
        named = [j for j in headers if grid.columns[j].numeric and not grid.columns[j].dated and j not in conditioned
                 and (set(grid.columns[j].stems) & (set(noun) - {"number"}) or counted_at & set(headers[j]))]
        amount = re.search(r"\bhow much\b|\b(sum|combined|together)\b|\btotal (number|amount) of\b|\badd up\b", f) \
            or after and after.group(1) in UNIT_HINTS and after.group(1) not in FILLER_WORDS   # "how many kilos of"
        counted = grid.columns[plan.target]
        asked = plan.target in headers or re.search(r"\bhow much\b", f)     # named, or the one amount (_target)
        if not named and amount and asked and counted.numeric and not counted.dated \
                and plan.target not in conditioned and (not re.search(r"\bnumber of\b", f)
                                                        or set(counted.stems) & set(noun) - {"number"}):
            named = [plan.target]
        if not named and (verb := _verb_counted(q, grid, headers)) is not None and verb not in conditioned:
            named = [verb]              # "how many games did A win": A's figure in Won, not a count of rows
        many = next((i + 2 for i in range(len(q.tokens) - 2) if q.tokens[i:i + 2] == ["how", "many"]), None)
        if not named and many is not None and plan.target in headers and counted.numeric and not counted.dated \
                and (any(many in c.positions and not grid.columns[c.column].numeric for c in plan.conditions)
                     or _one_row(plan) and not grid.columns[plan.conditions[0].column].numeric
                     and head not in plan.uncovered):
            named = [plan.target]       # "how many lower leg injuries in 2023": the row's figure in 2023, not 1 row;
                                        # "how many times did the crew launch for kite surfers": that row's Launches
        quantities = [j for j in _quantities(grid, headers) if j not in conditioned]
        if not named and len(quantities) == 1 and (not after and amount or after and after.group(0).startswith(
                "total") and not grid.columns[plan.target].numeric and plan.target in headers):
            named = quantities          # "what do the visit figures add up to": the one quantity named; "the total
                                        # honey in 2023-24": the rows' header named, the year's column summed
        if not named and _one_row(plan) and (across := _yearly(q, grid, headers, plan)):
            plan.op, plan.across = "sum", across     # "total moorings let over the three years": one row's years
            return
        if named:
            plan.measure = named[0]
            plan.target = plan.measure
            plan.op = "sum"
            plan.measure2 = _added_column(q, grid, headers, conditioned)
            if plan.measure2 is not None:
                plan.op = "add"
            return
        if not re.search(r"\bhow many\b|\bnumber of\b", f) and not said_count:
            plan.op = "lookup"
            return
        plan.op = "count"
        plan.count_cells = bool(re.search(r"\bhow many times\b", f))
        plan.counts_rows = bool(set(noun) & rows_are)
        kinds = [j for j in headers if not grid.columns[j].numeric and set(grid.columns[j].stems) & set(noun)
                 and j not in conditioned and grid.columns[j].distinct < 1 and not head.endswith("ing")]
        if kinds and not plan.conditions and not plan.pair:   # "how many nations": the Nation column's values
            plan.measure, plan.distinct = kinds[0], True
        if head in plan.uncovered and not plan.counts_rows and not plan.count_cells and plan.conditions and all(
                c.op in ("=", "has") and len(c.rows) == 1 for c in plan.conditions):
            plan.unresolved.append(head)    # "how many day visitors did A get": what is counted no column holds, and
                                            # counting A's one row would say "1"
        picked = plan.conditions[0] if _one_row(plan) else None
        by = grid.columns[picked.column] if picked is not None else None
        one = by is not None and not plan.count_cells and not plan.yes_no and by.distinct == 1   # 1 by construction
        if one and not plan.counts_rows and (meant := _counted_by_meaning(said, grid, conditioned)) is not None:
            plan.op, plan.measure, plan.target = "sum", meant, meant    # "how many people came to the spring revue":
            plan.header_meant = True                                    # the row's Audience, not its 1 row
            plan.notes.append(f"Read “{said[0]}” as the column “{grid.columns[meant].name}” (closest in meaning).")
            return
        counts = [j for j in _count_columns(grid) if j not in conditioned]
        if one and picked.op == "=" and many in picked.positions and not by.dated and counts and not headers:
            plan.op, plan.measure, plan.target = "sum", counts[0], counts[0]    # "how many ride marshals": the row
            plan.notes.append(f"Read the row's first count, “{grid.columns[counts[0]].name}”.")   # named is what is
            return                                                                             # counted
        if one and (picked.op == "=" or by.dated):
            plan.unresolved.append(picked.value)    # "how many members in 2022/23" of a row per season: one row, by
                                                    # construction; what is counted, no column holds
        if plan.counts_rows and not plan.conditions and not plan.pair and not plan.count_bound \
                and plan.target in headers and plan.target in _year_columns(grid):
            plan.unresolved.append(grid.columns[plan.target].name)  # "how many items were mended in 2022" of a
                                                                    # column per year: no count of its rows
        counts = _count_columns(grid)
        if len(plan.pair) > 2 and not plan.conditions and not plan.count_cells and len(counts) == 1 and all(
                len(c.rows) == 1 for c in plan.pair) and len({r for c in plan.pair for r in c.rows}) == len(plan.pair):
            plan.op, plan.measure = "sum", counts[0]    # "how many cat, cellar and chimney calls in total": their
            plan.target = plan.measure                  # figures added, not the rows the question itself lists
        return
    plan.op = "lookup"


def _added_column(q: _Question, grid: Grid, headers: dict[int, list[int]], conditioned: set[int]) -> int | None:
    """The second of two quantity columns a total adds up ("adults and children combined": Adults + Children)."""
    if not _together(q.folded):
        return None
    named = {p: j for j, ps in _quantities(grid, headers).items() if j not in conditioned for p in ps}
    pairs = [(named[p], named[p + 2]) for p in named if p + 2 in named and q.tokens[p + 1] == "and"
             and named[p] != named[p + 2]]
    return pairs[0][1] if len(pairs) == 1 else None


def _quantities(grid: Grid, headers: dict[int, list[int]]) -> dict[int, list[int]]:
    """The named columns that hold quantities (numbers that add up: not dates, not percentages, not ranks)."""
    return {j: ps for j, ps in headers.items() if grid.columns[j].numeric and not grid.columns[j].dated
            and not grid.columns[j].percent and not set(grid.columns[j].stems) & RANK_STEMS
            and not _labels_rows(grid, j)}      # route numbers name rows, they add up to nothing


def _all_quantities(grid: Grid) -> dict[int, list[int]]:
    """Every column of the table that holds quantities, named or not."""
    return _quantities(grid, dict.fromkeys(range(len(grid.columns)), []))


def _per(q: _Question, grid: Grid, headers: dict[int, list[int]], plan: Plan) -> bool:
    """"loans per visit", "meals ... each staff member": one named column over another (op "ratio"); "visits per
    branch", "per" a word for the rows: the column's average (op "avg")."""
    quantities = _quantities(grid, headers)
    for at in (i for i, t in enumerate(q.tokens) if t in ("each", "every")):     # "how many meals did each staff
        each = next(((j, p) for j, ps in quantities.items() for p in ps if at < p <= at + 2), None)   # member serve"
        other = [j for j in quantities if each and j != each[0] and all(p < at or p > each[1] for p in quantities[j])]
        if each and len(other) == 1:
            plan.op, plan.measure, plan.measure2 = "ratio", other[0], each[0]
            return True
    for at in (i for i, t in enumerate(q.tokens) if t == "per" and not any(i in ps for ps in headers.values())):
        # (not the "per" of a header named: "the lowest average turnout per screening" of "Average per screening")
        before = max(((p, j) for j, ps in quantities.items() for p in ps if p < at), default=None)
        after = min(((p, j) for j, ps in headers.items() for p in ps if p > at), default=None)
        if before is None:
            continue
        if after is not None and after[1] != before[1] and after[1] in quantities and after[0] <= at + 3:
            plan.op, plan.measure, plan.measure2 = "ratio", before[1], after[1]
            return True
        rows_are = set(grid.title_stems) | ROW_WORDS | set(grid.columns[_name_column(grid)].stems)
        if at + 1 < len(q.tokens) and q.stems[at + 1] in rows_are and (after is None or after[0] > at + 1):
            plan.op, plan.measure = "avg", before[1]
            return True
    return False


def _share(q: _Question, grid: Grid, headers: dict[int, list[int]], plan: Plan) -> bool:
    """"what percentage of all visits were at A", "A's share of the beds": the named rows' part of the column's total,
    when no percent column answers it."""
    asked = {i for i, t in enumerate(q.tokens) if t in PERCENT_WORDS or t in ("proportion", "fraction")}
    if not asked or any(grid.columns[j].percent and set(ps) - asked for j, ps in headers.items()):
        return False            # a percent column named by its own words ("share of visits") holds the answer
    quantities = _quantities(grid, headers)
    named = plan.pair or [c for c in plan.conditions if c.op in ("=", "has") and c.rows]
    percent = [c.index for c in grid.columns if c.percent]
    if len(quantities) != 1 or not named or plan.yes_no or percent and plan.uncovered:
        return False            # words left over may name a percent column in other words ("turned out": Turnout)
    measure = next(iter(quantities))
    if any(c.percent and getattr(grid.table.column(c.index), "base", None) == measure for c in grid.columns):
        return False            # the table gives that column's shares itself
    plan.op, plan.measure = "share", measure
    plan.conditions = [c for c in plan.conditions if c not in named]
    plan.pair = list(named)
    return True


def _elapsed(q: _Question, grid: Grid, headers: dict[int, list[int]], plan: Plan) -> bool:
    """"how long had A been open by 2023", "how old was A in 2020": the years from A's date to the year named; "how
    many years did A spend in service", no year named: from A's date in the column named ("Entered service") to its
    date in the next column of dates ("Withdrawn")."""
    if not _ELAPSED.search(q.folded) or not (plan.pair or plan.conditions):
        return False
    years = [int(t) for t in q.tokens if _year(t)]
    named = [c.index for c in grid.columns if c.dated and (c.index in headers or (set(c.stems) - STOPWORDS) & set(
        q.stems))]      # "in service" of "Entered service", though a cell "In service" took the words
    later = [c.index for c in grid.columns if c.dated and named and c.index > named[0]]
    kept = [c for c in plan.conditions if c.column not in named[:1] + later[:1]]
    if not years and len(named) == 1 and later and (kept or plan.pair):
        plan.op, plan.measure, plan.measure2, plan.conditions = "elapsed", named[0], later[0], kept
        return True
    dated = [j for j in headers if grid.columns[j].dated] or [c.index for c in grid.columns if c.dated]
    if len(years) != 1 or len(dated) != 1 or any(c.column == dated[0] for c in plan.conditions + plan.pair):
        return False
    plan.op, plan.measure, plan.n = "elapsed", dated[0], years[0]
    return True


def _together(folded: str) -> bool:
    """Whether the rows named are taken together ("combined", "between them", "in total", "on average"), so all of
    them count."""
    return bool(re.search(r"\b(combined|together|altogether|in total|total|sum|add up|between (them|the \w+|both)|"
                          r"average|mean)\b", folded))


def _column_beats(q: _Question, grid: Grid, headers: dict[int, list[int]]) -> Condition | None:
    """"more A than B", A and B two numeric columns the question names on either side of "than": the rows where A's
    cell is the larger (the smaller for "fewer", "less", "lower", ...)."""
    than = [i for i, t in enumerate(q.tokens) if t == "than"]
    for at in than:
        word = next((i for i in range(at - 1, max(-1, at - 6), -1) if q.tokens[i] in MORE + LESS), None)
        if word is None:
            continue
        before = _most_named(q, grid, headers, lambda p: word < p < at) or _most_named(
            q, grid, headers, lambda p: p == word - 1)      # "lost more than won"
        after = _most_named(q, grid, headers, lambda p: at < p <= at + 3)
        if not after and _YEAR_BEFORE.match(" ".join(q.tokens[at + 1:at + 5])) and (
                pair := _year_and_before(grid, before or _year_columns(grid))) is not None:
            after, before = [pair[0]], [pair[1]]    # "fewer visits than the year before": the latest named year's
                                                    # column (or the latest of all) against the one before it
        if len(before) != 1 or len(after) != 1 or before == after:
            continue
        return _compared(grid, before[0], after[0], q.tokens[word] in MORE, (word, at))
    return None


_PERIOD_WORDS = r"(?:year|season|winter|summer|spring|autumn)"
_YEAR_BEFORE = re.compile(rf"(the )?({_PERIOD_WORDS} before|previous {_PERIOD_WORDS}|{_PERIOD_WORDS} earlier|prior "
                          rf"{_PERIOD_WORDS}|last {_PERIOD_WORDS})\b|a {_PERIOD_WORDS} (before|earlier)")


def _most_named(q: _Question, grid: Grid, headers: dict[int, list[int]], near: Callable[[int], bool]) -> list[int]:
    """The numeric columns whose headers hold the most of the header words at the positions `near` accepts ("visits in
    2023": Visits 2023, not Visits 2022), several when they tie ("fewer visits": both)."""
    named = [p for ps in headers.values() for p in ps if near(p)]
    counts = {c.index: n for c in grid.columns if c.numeric and (n := sum(q.stems[p] in c.stems for p in named))}
    return [j for j, n in counts.items() if n == max(counts.values())]


def _compared(grid: Grid, a: int, b: int, more: bool, positions: tuple[int, ...]) -> Condition:
    """The rows whose cell in column `a` is larger (`more`) or smaller than their cell in column `b`."""
    pairs = [(r, grid.sort_key(r, a), grid.sort_key(r, b)) for r in range(len(grid.rows))]
    rows = [r for r, x, y in pairs if x is not None and y is not None and (x > y if more else x < y)]
    name_a, name_b = grid.columns[a].name or f"column {a + 1}", grid.columns[b].name or f"column {b + 1}"
    return Condition(a, "rows", f"{name_a} {'>' if more else '<'} {name_b}", rows=frozenset(rows), positions=positions)


def _read_linking_verb(q: _Question, plan: Plan, headers: dict[int, list[int]]) -> None:
    """The verb that only ties the rows to the figure asked, before "the most <named column>" ("who scored the most
    goals") or ending "how many <named column> did <rows> <verb>" ("how many goals did forwards score"): a plan on
    that column covers it (elsewhere a word the table lacks weakens a plan)."""
    named = set(headers.get(plan.measure if plan.measure is not None else plan.target, ()))
    t = q.tokens
    verbs = {t[i - 2] for i in range(2, len(t)) if (t[i] in MAX_WORDS or t[i] in MIN_WORDS or t[i] in FAST_WORDS)
             and t[i - 1] == "the" and i + 1 in named}
    did = next((i for i in range(len(t) - 2, max(2, len(t) - 6), -1) if t[i] in ("did", "do", "does")), None)
    if t[:2] in (["how", "many"], ["how", "much"]) and 2 in named and did is not None and not (
            set(t[did + 1:-1]) & set(plan.uncovered)):      # the rows named right before the verb ending it
        verbs.add(t[-1])
    plan.uncovered = [w for w in plan.uncovered if w not in verbs]


def _read_moves(plan: Plan) -> None:
    """A plan that reads a figure's move between two columns covers the words saying it moved ("cut", "rose"): they
    name nothing, but elsewhere they ask what no column holds ("in which year did the patients fall")."""
    plan.uncovered = [w for w in plan.uncovered if w not in MOVES]


def _two_columns(grid: Grid, headers: dict[int, list[int]], plan: Plan | None = None) -> tuple[int, int] | None:
    """The two quantity columns a question names (no bound's), earlier first: by the years their headers hold, else
    in the table's order ("2023 (£)", "2024 (£)"). One named column of a year goes with the column of the year before
    it ("which fees rose in 2023"). None for any other number of columns."""
    named = [j for j in _quantities(grid, headers) if plan is None or j not in _bounded(plan)]
    year = _year_columns(grid)
    if len(named) == 1 and named[0] in year:
        return _year_and_before(grid, named)
    if len(named) != 2:
        return None
    if all(j in year for j in named) and year[named[0]] != year[named[1]]:
        return tuple(sorted(named, key=year.get))
    return min(named), max(named)


def _dated_pair(grid: Grid) -> tuple[int, int] | None:
    """The table's two quantity columns when both headers are dates ("At 1 January 2024", "At 31 December 2024"),
    earlier first: what a row's change is measured between when the question names neither."""
    dated = [(date_of(grid.columns[j].name), j) for j in _all_quantities(grid)]
    dated = [(d, j) for d, j in dated if d is not None and d[0]]
    if len(dated) != 2 or dated[0][0] == dated[1][0]:
        return None
    return tuple(j for _, j in sorted(dated))


_A_YEAR = {"year", "yearly", "annual", "annually"}   # not "years": "how many years did X stay" is a duration
_YEARLY_WORDS = _A_YEAR | {"years"}


def _yearly(q: _Question, grid: Grid, headers: dict[int, list[int]], plan: Plan) -> tuple[int, ...]:
    """The year columns a yearly average runs over ("the average yearly count of swifts", "on average how many wrens a
    year over 2021-2023"): those between the first and last year named, or every one; none when the question names
    one year's column (its average over the rows) or another figure column, or says nothing of years."""
    year = _year_columns(grid)
    quantities = _quantities(grid, headers)
    named = [j for j in quantities if j in year]
    years = {int(t) for t in q.tokens if _year(t)}      # "over 2021-2023", whether or not a bound took a year
    if len(year) < 2 or not set(q.tokens) & _YEARLY_WORDS or len(named) < len(quantities) or len(years) == 1:
        return ()
    low, high = (min(years), max(years)) if years else (0, 9999)
    return tuple(sorted((j for j in year if low <= year[j] <= high), key=year.get))


_BY_DATE = frozenset("oldest earliest latest newest youngest first last".split())   # superlatives of a date column
_WHEN_ORDER = _BY_DATE | {"top", "bottom"}      # ... or of the table's order


def _counted_by_meaning(said: list[str], grid: Grid, conditioned: set[int]) -> int | None:
    """The column of figures the thing a "how many" question counts clearly means, by the embedding model (cut
    MEANT_HEADER): "people" for Audience. Only a column of whole numbers counts things."""
    counted = [w for w in said if w not in STOPWORDS][:1]
    columns = [j for j in _count_columns(grid) if j not in conditioned and not grid.columns[j].dated]
    if grid.meaning is None or not counted or not columns:
        return None
    k = grid.meaning.closest(counted[0], [grid.columns[j].name for j in columns], MEANT_HEADER)
    return None if k is None else columns[k]


def _count_columns(grid: Grid) -> list[int]:
    """The quantity columns of bare whole numbers: counts."""
    return [j for j in _all_quantities(grid)
            if all(re.fullmatch(r"\d[\d,]*", grid.text(r, j)) for r in range(len(grid.rows)) if grid.text(r, j))]


def _one_row(plan: Plan) -> bool:
    """Whether the question's cell mentions pick one row and nothing else."""
    return len(plan.conditions) == 1 and not plan.pair and plan.conditions[0].op in ("=", "has") \
        and len(plan.conditions[0].rows) == 1


def _latest_two(grid: Grid, headers: dict[int, list[int]], f: str) -> tuple[int, int] | None:
    """"than the year before" ("the winter before"), no column named but years': the table's two latest columns of
    years, earlier first."""
    year = _year_columns(grid)
    if any(j not in year for j in _quantities(grid, headers)) or not _YEAR_BEFORE.search(f):
        return None     # no column named, or only columns of years ("peak" of "Peak count 2022-23" and "... 2023-24")
    return _year_and_before(grid, year)


def _year_and_before(grid: Grid, among: Iterable[int]) -> tuple[int, int] | None:
    """The latest column of years among `among` and the column of the year before it, earlier first (None when no
    earlier year is in the table)."""
    year = _year_columns(grid)
    dated = [j for j in among if j in year]
    if not dated:
        return None
    later = max(dated, key=year.get)
    earlier = [j for j in year if year[j] < year[later]]
    return (max(earlier, key=year.get), later) if earlier else None


def _years_of_no_figure(grid: Grid, column: int, thresholds: list[tuple[str, float, str, int]]) -> bool:
    """Whether two bounds are years of a table with no time in it (no dates, no years in the headers or the first
    column), on a column whose every figure is far below them: a time range, not a range of the column's figures."""
    if len(thresholds) != 2 or not all(_year(raw) for _, _, raw, _ in thresholds) or _timed(grid) or any(
            _year(w) for r in range(len(grid.rows)) for w in words(grid.text(r, 0))):
        return False
    figures = [n for r in range(len(grid.rows)) if (n := grid.number(r, column)) is not None]
    return bool(figures) and max(figures) < min(value for _, value, _, _ in thresholds) / 10


def _timed(grid: Grid) -> bool:
    """Whether a table has years of its own: a column of dates, or columns headed by years ("2023 (£)")."""
    return any(c.dated for c in grid.columns) or bool(_year_columns(grid))


def _year_columns(grid: Grid) -> dict[int, int]:
    """The quantity columns whose header holds a year ("2023 (£)"), with that year."""
    every = _all_quantities(grid)
    return {j: y for j in every if (y := _header_year(grid, j)) is not None}


def _header_year(grid: Grid, j: int) -> int | None:
    """The year a column's header holds ("2023 (£)"), if any."""
    return next((int(w) for w in words(grid.columns[j].name) if _year(w)), None)


def _moved(q: _Question) -> tuple[set[str], set[str]]:
    """The question's words saying a figure rose, and fell; "up" and "down" only after a form of "go" ("went up", not
    "ended up")."""
    went = {b for a, b in zip(q.tokens, q.tokens[1:]) if a in ("go", "goes", "went", "gone", "going")}
    return set(q.tokens) & RISE - {"up"} | went & {"up"}, set(q.tokens) & FALL - {"down"} | went & {"down"}


def _column_moves(q: _Question, grid: Grid, headers: dict[int, list[int]]) -> Condition | None:
    """"which lines were cut between 2023 and 2024": the rows whose figure rose (fell) from the earlier of two named
    columns to the later."""
    two = _moving_columns(q, grid, headers)
    if two is None:
        return None
    rise, fall = _moved(q)
    earlier, later = two
    return _compared(grid, later, earlier, bool(rise), (q.tokens.index(min(rise or fall)),))


def _moving_columns(q: _Question, grid: Grid, headers: dict[int, list[int]]) -> tuple[int, int] | None:
    """The earlier and the later column a figure rose or fell between: two named, or with none named ("which lines
    went up"), the table's only two columns of years."""
    rise, fall = _moved(q)
    if bool(rise) == bool(fall):
        return None
    two = _two_columns(grid, headers)
    if two is None and not _quantities(grid, headers) \
            and re.match(r"(which|what|how many)\b", q.folded):      # asking for rows, not "why ... gone down"
        year = _year_columns(grid)
        two = tuple(sorted(year, key=year.get)) if len(year) == 2 == len(set(year.values())) else None
    return two


def _row_moves(q: _Question, grid: Grid, headers: dict[int, list[int]]) -> Condition | None:
    """"in which years did revenue go up": in a table of a row per year, in order, the rows whose figure in the one
    quantity column named rose (fell) from the row before."""
    rise, fall = _moved(q)
    named = list(_quantities(grid, headers))
    years = [grid.sort_key(r, 0) for r in range(len(grid.rows))]
    if bool(rise) == bool(fall) or len(named) != 1 or not re.match(r"(in )?(which|what|how many)\b", q.folded) \
            or not grid.columns[0].dated or None in years or years != sorted(years):
        return None
    j = named[0]
    values = [grid.number(r, j) for r in range(len(grid.rows))]
    rows = [r for r in range(1, len(values)) if None not in (values[r], values[r - 1])
            and (values[r] > values[r - 1] if rise else values[r] < values[r - 1])]
    name = grid.columns[j].name or f"column {j + 1}"
    return Condition(j, "rows", f"{name} {'>' if rise else '<'} the row before", rows=frozenset(rows),
                     positions=(q.tokens.index(min(rise or fall)),))


def _nearest_numeric(q: _Question, grid: Grid, headers: dict[int, list[int]], pos: int, op: str) -> int | None:
    """The numeric column a threshold at question position `pos` applies to: a percent column for "10%"."""
    word = q.tokens[pos - 1] if pos else ""
    dated = [c.index for c in grid.columns if c.dated]
    if pos + 1 < len(q.tokens) and q.tokens[pos + 1] == "percent":
        percent = [c.index for c in grid.columns if c.percent]
        named = [j for j in headers if j in percent] or [     # or the percent column of the count column named
            j for j in percent if (grid.table.column(j) is not None and grid.table.column(j).base in headers)]
        if named or len(percent) == 1:
            return (named or percent)[0]
        if len(percent) > 1:
            return None         # several percent columns and none named: not a guess
    if dated and word in ("before", "after", "since", "to") and _year(q.tokens[pos]):
        return dated[0]
    named = [(min(abs(p - pos) for p in ps), j) for j, ps in headers.items()
             if grid.columns[j].numeric or grid.columns[j].dated]
    if named:
        return min(named)[1]
    if dated and _year(q.tokens[pos]):
        return dated[0]         # "between 2019 and 2021", no column named: the years, not the one other figure
    if dated and op in ("<", ">", ">=") and re.search(r"\b(before|after|since|prior)\b", q.folded):
        return dated[0]
    numeric = [c.index for c in grid.columns if c.numeric and c.index != 0]
    unit = q.tokens[pos + 1] if pos + 1 < len(q.tokens) else ""
    if unit and not generic(unit) and unit not in UNIT_HINTS and not unit.isdigit() and not any(
            q.stems[pos + 1] in c.stems for c in grid.columns) and q.stems[pos + 1] not in grid.title_stems:
        return None         # "more than 5 cannons" where no column counts cannons
    hints = {stem(w) for t in q.tokens[pos + 1:pos + 3] for w in UNIT_HINTS.get(t, "").split()}
    if hints:               # "80 meters tall": a Height column; "$400": a money column
        hinted = [j for j in numeric if set(grid.columns[j].stems) & hints or "money" in hints and grid.columns[j].money]
        if hinted:
            return hinted[0]
    return numeric[0] if len(numeric) == 1 else None


def month_of(word: str) -> int | None:
    """The month a word names, if any."""
    return MONTHS.get(word)


__all__ = ["CellIndex", "Condition", "Plan", "read_plan", "generic", "number_of"]
