"""Resolve an elliptical follow-up ("And in Lyon?") against the previous question in the chat."""
from __future__ import annotations

import re
from collections.abc import Callable

from app.answer_types import head_word
from app.question import MONTHS
from index.fold import fold
from index.lexicon import WORD as _WORD

_LEAD = re.compile(r"^\s*(?:and|what about|how about|and what about|and how about|ya|peki)\b[\s,]*", re.IGNORECASE)
_PREPS = r"in|for|at|on|of|during|from|by"
_PREP_PHRASE = re.compile(rf"^(?P<prep>{_PREPS})\s+(?P<rest>.+)$", re.IGNORECASE)
_MAX_FOLLOWUP_WORDS = 9   # longer questions stand on their own
_IT = re.compile(r"\b(?:it|its)\b", re.IGNORECASE)
_PERSON = re.compile(r"\b(?:he|she|him|his|her)\b", re.IGNORECASE)
_OBJECT_AFTER = re.compile(r"\s*(?:$|[?.,;:!]|(?:as|to|in|at|for|from|with|by|on|and|or|after|before|when|if)\b)",
                           re.IGNORECASE)     # "replaced her as head": "her" is the person, not "her ... head"
_ASKS_WHO = re.compile(r"^\W*(?:who|whom|whose)\b", re.IGNORECASE)
_ASKS_WHO_IS = re.compile(r"^\W*who(?:\s+(?:is|was)|'s|’s)\s+$", re.IGNORECASE)   # ... and a name right after
_CAPITALISED = re.compile(r"(?:[A-ZÇĞİÖŞÜ][\w'’-]+)(?:\s+[A-ZÇĞİÖŞÜ][\w'’-]+)*")


def _previous(history: list[dict] | None, named: Callable[[str], bool] | None) -> tuple[str | None, str | None]:
    """The last user turn of a messages-style history, itself resolved if it was a follow-up, and the reply that
    followed it (None before one)."""
    resolved = reply = None
    for turn in history or []:
        content = str(turn.get("content", "")).strip() if isinstance(turn, dict) else ""
        if content and turn.get("role") == "user":
            resolved, reply = _resolve_against(content, resolved, named, reply), None
        elif content and turn.get("role") == "assistant":
            reply = content
    return resolved, reply


def is_followup(question: str) -> bool:
    """Short questions that lean on the previous turn: 'And in X?', 'What about X?', 'in X?'."""
    words = question.strip().rstrip("?").split()
    return bool(_LEAD.match(question)) or (0 < len(words) <= 3 and bool(_PREP_PHRASE.match(question.strip())))


def resolve(question: str, history: list[dict] | None, named: Callable[[str], bool] | None = None) -> str:
    """The follow-up rewritten as a full question, or the question unchanged. `named` tells a word the documents
    use as a name, so a follow-up typed in lowercase ("and millbrook") still swaps a name for a name."""
    previous, reply = _previous(history, named)
    return _resolve_against(question, previous, named, reply)


def _resolve_against(question: str, previous: str | None, named: Callable[[str], bool] | None = None,
                     reply: str | None = None) -> str:
    if not previous or len(question.split()) > _MAX_FOLLOWUP_WORDS:
        return question
    if not is_followup(question):
        return _pronoun_resolved(question, previous, named, reply)
    tail = _LEAD.sub("", question).strip().rstrip("?").strip()
    m = _PREP_PHRASE.match(tail)
    if not re.search(r"[^\W_]", m.group("rest") if m else tail):
        return question  # "And in 😀?" names nothing to substitute
    base = previous.rstrip().rstrip("?")
    if m:
        # Replace the previous question's last phrase with the same preposition: "... in Paris" -> "... in Lyon".
        prep = m.group("prep").lower()
        pattern = re.compile(rf"\b{prep}\s+[^,;?]+$", re.IGNORECASE)
        if pattern.search(base):
            return pattern.sub(tail, base) + "?"
        return f"{base} {tail}?"
    # "And Smith?" / "And the K2-40?" / "What about the turnout?": swap the last name, else append.
    names = _named_things(base, named)
    last = names[-1] if names else None
    name = re.sub(r"^the\s+", "", tail, flags=re.IGNORECASE)
    if last and (name[:1].isupper() or (named is not None and all(named(w) for w in name.split()))):
        a, b = last
        return base[:a] + (name if base[:a].lower().endswith("the ") else tail) + base[b:] + "?"
    return f"{base} {tail}?"


def _pronoun_resolved(question: str, previous: str, named: Callable[[str], bool] | None,
                      reply: str | None = None) -> str:
    """"Who makes it?" after "What does the Aurora H7 do?" -> "Who makes the Aurora H7?": "it" and "its" stand for the
    last name of the previous question, when the question names nothing itself. "he", "she", "him", "his" and "her"
    stand for its first name ("Where did she study?" after "When was Ilse Varnholt born?" or "Who was Ilse Varnholt?"),
    unless it asked who of someone else: then they stand for its answer, the reply's first name that the question did
    not say ("Who won?" "Ada Byron ..." "Which party did she represent?"); without a reply naming one, the question is
    left as typed."""
    head = head_word(question)    # "which party ...": the kind of thing asked for, not a name of its own
    if any(a > 0 and (named is None or any(named(w) for w in question[a:b].split() if fold(w) != head))
           for a, b in _names(question, named)):
        return question     # it names something of its own (that the documents name: "PhD" is no name)
    base = previous.rstrip().rstrip("?")
    names = _named_things(base, named)
    if _IT.search(question) and names:
        name = _named_as(base, *names[-1])
        return _IT.sub(lambda m: name + ("'s" if m.group().lower() == "its" else ""), question)
    if _PERSON.search(question):
        if names and (not _ASKS_WHO.match(base) or _ASKS_WHO_IS.match(base[:names[0][0]])):
            name = _named_as(base, *names[0])   # "who was Ada Byron": she is the one named
        else:
            name = _answered(reply, base, named) if _ASKS_WHO.match(base) else None
        if name is None:
            return question

        def person(m: re.Match) -> str:       # "his" is always a possessive, "her" unless a preposition follows
            word = m.group().lower()
            possessive = word == "his" or (word == "her" and not _OBJECT_AFTER.match(question, m.end()))
            return name + ("'s" if possessive else "")

        return _PERSON.sub(person, question, count=1)
    return question


def _answered(reply: str | None, asked: str, named: Callable[[str], bool] | None) -> str | None:
    """The first name a reply gives that the question it answers did not ("Dr Ada Byron" in "The director is Dr Ada
    Byron." for "who is the director"), and that the documents use as a name; None without one."""
    said = {w.lower() for w in _WORD.findall(asked)}
    for a, b in _names(reply or "", named):
        run = _WORD.findall(reply[a:b])
        if any(w.lower() not in said for w in run) and (named is None or any(named(w) for w in run)):
            return reply[a:b]
    return None


def _named_as(text: str, a: int, b: int) -> str:
    """The name at text[a:b], with its "the" if the text gives it one."""
    return ("the " if text[:a].lower().endswith("the ") else "") + text[a:b]


def _named_things(text: str, named: Callable[[str], bool] | None) -> list[tuple[int, int]]:
    """Where the names of a question are, but its first word and months."""
    return [(a, b) for a, b in _names(text, named) if a > 0 and not re.fullmatch(MONTHS, text[a:b], re.IGNORECASE)]


def _names(text: str, named: Callable[[str], bool] | None) -> list[tuple[int, int]]:
    """Where the names of a question are: runs of capitalised words, or in a question typed without capitals, runs of
    words `named` takes for names."""
    runs = [m.span() for m in _CAPITALISED.finditer(text)]
    if any(a > 0 for a, _ in runs) or named is None:
        return runs
    runs = []
    for m in _WORD.finditer(text):
        if not named(m.group()):
            continue
        if runs and not text[runs[-1][1]:m.start()].strip():
            runs[-1] = (runs[-1][0], m.end())       # "anna ferris": one name
        else:
            runs.append(m.span())
    return runs
