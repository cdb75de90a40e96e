"""The office a "who is the <office> ..." or "who <holds it> ..." question asks for, whether a sentence names it, and
whether it puts a name beside it.

A sentence that names someone but not the office asked for does not say who holds it: "who is the treasurer" is not
answered by "The chair of the club, Ada Brandt, thanked them", nor "who is the deputy coach" by "Ola Lind, Head
Coach". The office's head word (its last word) must be in the sentence, or a word the word vectors put
near it ("spouse" for "wife"), and so must any word of rank before it ("deputy", "vice", "assistant"), which makes it
another office. A name standing beside the office word in the sentence ("our conductor, Ada Brandt", "Ada Brandt,
the conductor") holds it, whatever the reader's confidence. A verb of holding an office asks for the office too ("who
conducts the club choir": the conductor), said with the office or with the verb ("the choir, conducted by Ada
Brandt"); such a question is not held to sentences naming the office, since a verb has too many other words for it
("who hosts the quiz": "presented by"). The rank words and the verbs of office are English, not any document's
vocabulary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.acronym import spelled_out
from app.wordvectors import WordVectors
from index.fold import STOPWORDS, fold, stem

RANKS = frozenset("deputy vice assistant acting interim associate co joint honorary".split())
NEAR = 0.5      # word-vector cosine at which a sentence's word says the office in other words: synonyms came out at
                # 0.55-0.58 (wife/spouse, captain/skipper), other offices at 0.12-0.36 (treasurer/chair,
                # secretary/treasurer, manager/director)
_WORD = re.compile(r"[\w'’]+")
_ASKED = re.compile(r"\s*who(?:'s|’s|s|\s+is|\s+was|\s+are|\s+were)\s+(?:currently\s+|now\s+|presently\s+)?"
                    r"(?P<article>(?:the|their|its|our)\s+)?(?P<office>[\w'’-]+(?:\s+[\w'’-]+){0,3}?)\s*"
                    r"(?:\b(?:of|at|for|in|on|from|with|before|after|when|during|since|now|currently)\b|[?.!]|$)",
                    re.IGNORECASE)


# verbs of holding an office, and the office each names (a verb that is no office, "wrote", "founded", is not read)
HOLDERS = {"chair": "chair", "lead": "leader", "head": "head", "manage": "manager", "coach": "coach",
           "captain": "captain", "skipper": "skipper", "conduct": "conductor", "direct": "director", "edit": "editor",
           "present": "presenter", "host": "host", "referee": "referee", "umpire": "umpire", "cox": "cox",
           "train": "trainer", "organise": "organiser", "organize": "organizer"}
IRREGULAR = {"led": "lead"}     # their past forms that are not the verb with -ed
_HOLDS = re.compile(r"\s*who\s+(?:currently\s+|now\s+|presently\s+)?(?:(?P<verb>" + "|".join(
    sorted(HOLDERS, key=len, reverse=True)) + r")(?:e?s|e?d|ing)?|(?P<past>" + "|".join(IRREGULAR) + r"))\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Office:
    """The office asked for: its head word (as written and stemmed), the words of rank before it, and the stems of
    the verb that says it ("conduct" for the conductor asked as "who conducts")."""

    word: str
    head: str
    ranks: tuple[str, ...]
    verbs: tuple[str, ...] = ()


def asked_office(question: str) -> Office | None:
    """The office a "who is (the) <office> (of ...)" or "who <verb of office> ..." question asks for, or None for any
    other question."""
    held = _HOLDS.match(question)
    if held:
        verb = fold(held.group("verb")) if held.group("verb") else IRREGULAR[fold(held.group("past"))]
        forms = [verb, *(past for past, v in IRREGULAR.items() if v == verb)]
        return Office(HOLDERS[verb], stem(HOLDERS[verb]), (), tuple(stem(f) for f in forms))
    m = _ASKED.match(question)
    if not m or not m.group("article") and not _bare_office(m.group("office"), question[m.end("office"):]):
        return None     # "who is vice chair of ..." typed without "the"; "who is Ada Brandt" asks no office
    words = [w for w in _words(m.group("office")) if w not in STOPWORDS]
    if not words:
        return None
    return Office(words[-1], stem(words[-1]), tuple(w for w in words[:-1] if w in RANKS))


def _bare_office(office: str, after: str) -> bool:
    """Whether words typed without "the" name an office: one or two lowercase words, no verb form ("blamed",
    "dying") and no small word ("a professor", "in charge"), with "of" after them or a word of rank among them ("who
    is vice chair of ...", "who was mayor of ...")."""
    words = _words(office)
    return office.islower() and 1 <= len(words) <= 2 and not any(
        w in STOPWORDS or w.endswith(("ed", "ing")) for w in words) and (
        bool(re.match(r"\s*of\b", after)) or any(w in RANKS for w in words))


def names_office(office: Office, sentence: str, vectors: WordVectors | None) -> bool:
    """Whether a sentence names the office: its words of rank, and its head word or one near it in meaning."""
    words = _words(sentence)
    if any(rank not in words for rank in office.ranks):
        return False
    if office.head in {stem(w) for w in words} or spelled_out(office.word, sentence):
        return True
    return vectors is not None and vectors.nearest(office.word, [w for w in words if w not in STOPWORDS]) >= NEAR


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text).replace("-", " "))


_BESIDE = frozenset("is was the our their its his her a an new current".split())   # words between a name and its office


def holds_office(office: Office, sentence: str, start: int, end: int) -> bool:
    """Whether the sentence puts the span [start, end) beside the office's word: after it ("our conductor, Ada
    Brandt"), before it ("Ada Brandt, the conductor", "Ada Brandt (conductor)"), or after its verb and "by" ("the
    choir, conducted by Ada Brandt"); a word of rank the question does not ask for makes it another office."""
    before = _words(sentence[:start])[-4:]
    after = _words(sentence[end:])[:4]
    heads = {office.head, *office.verbs}

    def held(words: list[str], i: int) -> bool:
        rank = words[i - 1] if i > 0 else ""
        return stem(words[i]) == office.head and (rank not in RANKS or rank in office.ranks)

    if before and held(before, len(before) - 1) and re.search(r"[\w'’]\s*[,:(]?\s*$", sentence[:start]):
        return True
    if len(before) >= 2 and before[-1] == "by" and stem(before[-2]) in heads:
        return True
    if not re.match(r"\s*(?:[,(]|\bis\b|\bwas\b)", sentence[end:]):
        return False
    for i, word in enumerate(after):
        if held(after, i):
            return True
        if word not in _BESIDE and word not in office.ranks:
            return False
    return False
