"""Answers from passages: the best supporting sentence and a short span.

With the fine-tuned span reader (app/reader.py, `Settings.reader`), each top passage offers its best
spans, the answer chooser (app/chooser.py, `Settings.chooser`) picks one, and the reader's score
against "no answer" decides abstention (both fitted on held-out SQuAD articles); a span whose passage
names nothing the question names is no answer. A descriptive question ("what happened", "why", "tell
me about") gets passages and no short answer: the three sentences the fitted supporting-sentence ranker
(app/support.py, `Settings.ranker`) puts first, in reading order. Without the reader, rules choose: a sentence is scored
by how much of the question it covers (IDF-weighted, diacritic-folded tokens), by its embedding
similarity to the question, and by whether it holds a span of the kind the question asks for; below
`Settings.abstain_threshold` the composer abstains.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from app.acronym import spelled_out
from app.chooser import FEATURES, Asked, Chooser, best_offer, features, names_nothing_asked, offers, within_sentence
from app.offices import Office, asked_office, holds_office, names_office
from app.question import MONTHS, NAME_WORD, NUMBER_WORDS, PATTERNS, Candidate, answer_type, asks_for, candidates
from app.reader import Policy, Reader, Reading, passage_of, short_form
from app.rerank import PassageRanker
from app.rerank import features as passage_features
from app.retrieve import Hit
from app.roles import asked_side, contradicts, side_of
from app.settings import Settings
from app.years import YEAR, YearsAsked
from app.support import Sentence, SentenceRanker, best_distinct, sentences_of
from app.support import features as sentence_features
from app.vocabulary import Vocabulary
from app.wordvectors import WordVectors
from index.embed import embed
from index.fold import STOPWORDS, fold, stem, terms
from index.parse import LIST_MARKER, REFERENCE_MARKER, Span, blank_references, split_sentences
from index.sentences import SentenceLookup


@dataclass
class Support:
    """A candidate supporting sentence and why it scored as it did."""

    hit: Hit
    start: int                # file offsets of the sentence
    end: int
    text: str
    score: float
    coverage: float
    similarity: float
    span: Candidate | None = None
    missing: set[str] = field(default_factory=set)   # question entities this sentence does not mention


@dataclass
class TextAnswer:
    """The composer's verdict: a supporting sentence and short answer, or an abstention with a reason."""

    support: Support | None
    short_answer: str | None
    confidence: float          # the reader's odds (or the rules' score): what a table answer is weighed against
    reason: str = ""
    also: list[Support] = field(default_factory=list)   # passages covering what the main one does not name
    expected_f1: float | None = None   # the chooser's estimate of the short answer's F1: the confidence users see
    nearest: Support | None = None     # an abstention for want of confidence: the sentence nearest to an answer,
                                       # if its passage is about the question (`_about`)


def years_first(question: str, passages: list[Hit]) -> list[Hit]:
    """The passages in retrieval order, but those naming only years the question does not name (in their text,
    heading or title) after the rest: a 2019 passage does not answer a question about 2024."""
    asked = YearsAsked.of(question)
    if not asked:
        return passages
    agree = [asked.about(_context(h)) for h in passages]
    return [h for h, ok in zip(passages, agree) if ok] + [h for h, ok in zip(passages, agree) if not ok]


def account_sentences(question: str, asked: Asked, passages: list[Hit]) -> list[Sentence]:
    """The sentences an account may start from: in passages about the question (`_about`) that agree with its years,
    and not themselves naming only other years."""
    years = YearsAsked.of(question)
    about = [h for h in passages if _about(asked, h) and years.about(_context(h))]
    return [s for s in sentences_of(about) if years.about(s.span.text)]


def _context(hit: Hit) -> str:
    """A passage's title, headings and text."""
    return " ".join([hit.chunk.title, *hit.chunk.section, hit.chunk.text])


def _about(asked: Asked, hit: Hit) -> bool:
    """Whether a passage is about what the question asks: it shares a word with it, and names something the question
    names if it names anything."""
    context = _context(hit)
    found = set(terms(context))
    return bool(found & asked.terms.keys()) and (not asked.names or bool(found & asked.names.keys()) or any(
        spelled_out(t, context) for t in asked.names))


_POSSESSED = re.compile(r"['’]s\s+\d[^A-Z]*$")   # a name's possessive holding a figure ("A's 39% of the vote")


def _clause_of(sentence: str, start: int, end: int) -> str:
    """The part of a sentence between the semicolons around a span: "A of the B party; A, when elected in 2019,
    became ..." names no year in the span's part."""
    lo = sentence.rfind(";", 0, start) + 1
    hi = sentence.find(";", end)
    return sentence[lo:hi if hi >= 0 else len(sentence)]


def _dated_heading(hit: Hit) -> str:
    """The innermost of a passage's headings, else its title, that names a year: what dates a sentence naming none
    ("- Winner: ..." under a document titled "2021 Lakeside Chess Open")."""
    return next((h for h in [*reversed(hit.chunk.section), hit.chunk.title] if YEAR.search(h)), "")


@dataclass
class PassageReading:
    """A reader's span in one retrieved passage, the sentence it sits in, and its value under the policy."""

    reading: Reading
    rank: int                 # the passage's retrieval rank
    hit: Hit
    sentence: Span
    value: float

    @property
    def at(self) -> int:
        """The file offset where the span starts."""
        return self.hit.chunk.start + self.reading.start - passage_of(self.hit.chunk)[1]

    def in_sentence(self) -> tuple[str, int, int]:
        """The span's sentence and where the span starts and ends in it."""
        start = self.at - self.sentence.start
        return self.sentence.text, start, start + len(self.reading.text)

    def placed(self) -> tuple[float, int, str, int, str]:
        """The span as the chooser takes it: (reader score, file offset, text, sentence offset, sentence text)."""
        return self.reading.score, self.at, self.reading.text, self.sentence.start, self.sentence.text


_NUMBER_WORDS = NUMBER_WORDS + "|sixty|seventy|eighty|ninety"
QUANTITY = re.compile(r"\b(?:\d|(?:" + _NUMBER_WORDS + r"|hundreds|thousands?|millions?|"
                      r"billions?|dozens?|half|several|many|few|both|all|none|no|some|most|majority|minority)\b)",
                      re.IGNORECASE)   # what a "how many" answer must hold: a number or a quantifier ("several");
# a superset of question.NUMBER_WORDS, which stays as the fitted chooser and sentence ranker read it
ASKS_COST = re.compile(r"\b(?:how much|what) (?:did|does|do|will|would|was|were|is|has|had)\b.*\bcost\b|"
                       r"\bhow much (?:did|does|do|will|would|has|had)\b.*\b(?:pay|spend|charge)\b|"
                       r"\bwhat (?:is|was|are|were) the (?:cost|price) of\b", re.IGNORECASE)
MONEY = re.compile(r"[£$€¥₹₺]|\d+p\b|\b(?:pounds?|euros?|dollars?|pence|cents?|lira|yen|francs?|rupees?|yuan|"
                   r"thousand|million|billion|trillion|free)\b", re.IGNORECASE)   # what a cost is written with
SHARE = re.compile(r"%|\bper ?cent\b|\bpercent(?:age)?\b|\b(?:half|halves|thirds?|quarters?|fifths?|majority|minority)\b",
                   re.IGNORECASE)      # what a share is written with
_DIGITS = re.compile(r"\d[\d.,]*(?<![.,])")
SHARE_AFTER = re.compile(r"\s*(?:%|per ?cent\b|percent\b)", re.IGNORECASE)    # "70" of "70%" (SQuAD's spans)
ASKS_TIME = re.compile(r"^\W*(?:at )?what time (?:did|does|do|was|is|were|will|would)\b", re.IGNORECASE)
CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)(?!\w)|\b\d{1,2}[:.]\d{2}\b|\b(?:noon|midday|midnight|"
                   r"o'clock|dawn|dusk|morning|afternoon|evening|night)\b", re.IGNORECASE)   # a time of day, a clock's


class TextAnswerer:
    """Picks the best supporting sentence among retrieved passages."""

    def __init__(self, model, vocabulary: Vocabulary, embed_query: Callable[[str], np.ndarray],
                 sentences: SentenceLookup | None = None, reader: Reader | None = None,
                 policy: Policy = Policy(), chooser: Chooser | None = None, ranker: SentenceRanker | None = None,
                 word_vectors: WordVectors | None = None, passage_ranker: PassageRanker | None = None):
        self.model, self.word_vectors = model, word_vectors
        self.reader, self.policy, self.chooser, self.ranker = reader, policy, chooser, ranker
        self.passage_ranker = passage_ranker   # the order the passages are read in (app/rerank.py)
        self.embed_query = embed_query   # the retriever's cached query embedder: one encode per question
        self.vocabulary = vocabulary
        self.sentences = sentences or SentenceLookup()   # vectors embedded at build time, stored with the index
        self._embed_sentence = lru_cache(maxsize=1024)(self._embed_one)   # only sentences the index lacks

    def answer(self, question: str, hits: list[Hit], settings: Settings, translated: bool = False) -> TextAnswer:
        """The best-supported sentence among the top passages, or an abstention.

        For a translated question, words of the source language that no document uses are not
        held against a sentence: their English glosses stand in for them.
        """
        passages = self.ordered(question, [h for h in hits if h.chunk.kind == "text"][: settings.top_k], settings)
        unknown = self.unknown_names(question, passages)
        if unknown:
            return TextAnswer(None, None, 0.0, f"the documents never mention {', '.join(unknown)}")
        if not passages:
            return TextAnswer(None, None, 0.0, "no passage matches the question")
        if self.ranker is not None and settings.ranker and is_descriptive(question):
            return self._describe(question, years_first(question, passages)[:settings.account_passages])
        if self.reader is not None and settings.reader:
            passages = years_first(question, passages)[:settings.reader_passages]
            chooser = self.chooser if settings.chooser else None
            if chooser:
                return self._choose(question, passages, chooser, describe=is_descriptive(question))
            found = self._read(question, passages)
            if is_descriptive(question) and found.support is not None:   # an account: the passage, no short answer
                return TextAnswer(found.support, None, found.confidence, also=_following(found.support))
            return found
        kind = answer_type(question)
        q_tokens = self.vocabulary.question_terms(question)
        if translated:
            q_tokens = [t for t in q_tokens if t in self.vocabulary.words]
        supports = self._score_sentences(question, q_tokens, kind, passages)
        if kind != "span":
            # A question that asks for a number, date or name is not answered by a sentence without one.
            supports = [s for s in supports if s.span is not None]
            if not supports:
                return TextAnswer(None, None, 0.0, f"no passage states the {kind} asked for")
        best = max(supports, key=lambda s: s.score)
        relation = self._unmentioned(q_tokens, best.hit.chunk.doc)
        if relation:
            return TextAnswer(None, None, round(best.score, 3), "no passage says anything about "
                              + ", ".join(relation))
        if best.score < settings.abstain_threshold:
            return TextAnswer(None, None, round(best.score, 3),
                              f"the best passage supports it too weakly ({best.score:.2f} < {settings.abstain_threshold:.2f})")
        short = best.span.text if best.span else (_clause(best.text, q_tokens) or clean_sentence(best.text))
        also = []
        if best.missing:  # the question names something (another year, say) this passage does not: look further
            others = [h for h in hits if h.chunk.kind == "text" and h.chunk.doc != best.hit.chunk.doc][:settings.top_k]
            also = _complements(best, supports + self._score_sentences(question, q_tokens, kind, others))
        return TextAnswer(best, short, round(min(1.0, best.score), 3), also=also)

    def ordered(self, question: str, passages: list[Hit], settings: Settings) -> list[Hit]:
        """Retrieval's first passage, then the others in the order the fitted passage ranker expects them to hold the
        answer (else as retrieved). The first stays first: the answer chooser was fitted on readings of retrieval's
        first passage, and on held-out SQuAD articles the ranker gains as much within the first two without moving
        it (docs/text-answers.md, session 43)."""
        if self.passage_ranker is None or not settings.rerank or len(passages) < 3:
            return passages
        rows = passage_features(Asked.of(question, self.vocabulary), passages, self.embed_query(question),
                                self.sentences)
        return passages[:1] + self.passage_ranker.order(passages[1:], rows[1:])

    def unknown_names(self, question: str, passages: list[Hit]) -> list[str]:
        """The question's names and years no document mentions (an acronym the passages spell out is mentioned): the
        text answer abstains on them before reading."""
        return self.vocabulary.unknown_terms(question, " ".join(_context(h) for h in passages))

    def _unmentioned(self, q_tokens: list[str], doc: str) -> list[str]:
        """The question's relation words ("born" in "when was X born"), when its document uses none of them:
        it may share the question's names but says nothing about what is asked of them."""
        relation = [t for t in q_tokens if t not in self.vocabulary.names and not t[0].isdigit() and not asks_for(t)]
        return relation if relation and not set(relation) & self.vocabulary.doc_terms.get(doc, set()) else []

    def readings(self, question: str, passages: list[Hit]) -> list[PassageReading]:
        """The reader's best span in each passage that agrees with the question's years, with its sentence: a span
        naming a year the question does not, or sitting in a sentence (or under a heading) naming only other
        years, gives way to the passage's next best span ("June 2019" for "the 2024 election"). A question word the
        documents never use is not held against a passage ("wife" for "partner"): the reader weighs it."""
        found = self.candidates(question, passages, per_passage=1)
        return [r for group in found for r in group]

    def candidates(self, question: str, passages: list[Hit], per_passage: int) -> list[list[PassageReading]]:
        """Per passage, its `per_passage` best spans that agree with the question's years and with the side of a contest
        it asks for (app/roles.py), best first."""
        contexts = [passage_of(h.chunk) for h in passages]
        spans = self.reader.read_spans(question, [text for text, _ in contexts], [skip for _, skip in contexts],
                                       n=SPANS_PER_PASSAGE)
        years, side, office = YearsAsked.of(question), asked_side(question), asked_office(question)
        found = []
        for rank, (offered, hit, (_, skip)) in enumerate(zip(spans, passages, contexts)):
            sentences = split_sentences(hit.chunk.text, hit.chunk.start)
            kept: list[PassageReading] = []
            for reading in offered:
                at = hit.chunk.start + reading.start - skip
                sentence = next((s for s in sentences if s.start <= at < s.end), None)
                if sentence is None or not reading.text.strip() or in_reference(sentence.text, at - sentence.start):
                    continue        # nothing, or the number of a reference marker ("[65]")
                end = at - sentence.start + len(reading.text)
                clause = _clause_of(sentence.text, at - sentence.start, end)
                if years and not (years.answered_by(reading.text, sentence.text[end:]) and years.about(
                        clause if YEAR.search(clause) else _dated_heading(hit))):
                    continue        # the span names a year not asked, or its sentence (heading, title) only other years
                if contradicts(side, sentence.text, at - sentence.start, end):
                    continue        # the other side of a contest than the one asked for ("who won": not "A" of "A lost to B")
                if office is not None and not office.verbs and not names_office(office, sentence.text,
                                                                                 self.word_vectors):
                    continue        # "who is the treasurer": not the chair that a sentence with no treasurer names
                kept.append(PassageReading(reading, rank, hit, sentence, self.policy.value(reading.score, rank)))
                if len(kept) == per_passage:
                    break
            found.append(kept)
        return found

    def _choose(self, question: str, passages: list[Hit], chooser: Chooser, describe: bool = False) -> TextAnswer:
        """The span the fitted chooser expects to be most right among the reader's offers, when its expected F1 reaches
        the chooser's threshold (or, for a chooser without one, the reader's policy says some passage answers) and
        the span's passage names something the question names, if it names anything (else an abstention). A
        descriptive question gets that span's sentence and the next ones, with no short answer, whenever the passage
        is about the question: it also shares a word with it (how sure the reader is of a short span says nothing
        about an account)."""
        groups = self.candidates(question, passages, SPANS_CHOSEN_AMONG)
        value = max((group[0].value for group in groups if group), default=-math.inf)   # the policy's, as in _read
        groups = [[r for r in group if within_sentence(*r.placed()[1:])] for group in groups]
        offered = [r for group in groups for r in group]
        if not offered:
            return TextAnswer(None, None, 0.0, "no passage holds an answer")
        asked = Asked.of(question, self.vocabulary, self.word_vectors, chooser.types)
        must = None if describe else span_must_hold(question, asked.kind)
        if must is not None:        # "how many ...", "what did X cost", "what time ...": only a span of that kind,
            asked_for, holds = must  # its features (the reader's odds shared among the offers) among its own kind
            groups = [[r for r in group if holds(r.reading.text, r.sentence.text[r.in_sentence()[2]:])]
                      for group in groups]
            offered = [r for group in groups for r in group]
            if not offered:
                return TextAnswer(None, None, 0.0, f"no passage states the {asked_for} asked for")
        spans = [o for group in groups if group
                 for o in offers(group[0].hit.chunk, group[0].rank, group[0].hit.score, [r.placed() for r in group],
                                 self.vocabulary.names,
                                 self.cosines(question, [(r.hit.chunk.doc, r.sentence) for r in group]))]
        rows = features(asked, spans)
        expected = chooser.probabilities(rows)
        side, office = asked_side(question), asked_office(question)
        confirmed = np.array([side is not None and side_of(*o.in_sentence()) == side
                              and any(t in self.vocabulary.names for t in terms(o.reading.text))
                              or office is not None and _holds_asked_office(office, asked, o, question)
                              for o in offered])
        if confirmed.any():   # "who won": a name its sentence says won, before any span whose sentence says nothing;
                              # "who conducts the club choir": a name its sentence puts beside "conductor"
            expected = np.where(confirmed, expected, -1.0)
        k = best_offer(expected, rows)
        best = offered[k]
        confidence = round(1 / (1 + math.exp(-best.reading.score)), 3)   # the reader's odds, as in _read
        support = Support(best.hit, best.sentence.start, best.sentence.end, best.sentence.text, best.value, 0.0, 0.0)
        sure = round(float(expected[k]), 3)
        if names_nothing_asked(rows[k]):
            return TextAnswer(None, None, confidence, "the passage names nothing the question names", expected_f1=sure)
        if describe:
            if rows[k][FEATURES.index("passage_cover")] == 0:
                return TextAnswer(None, None, confidence, "no passage is about what the question names")
            return TextAnswer(support, None, confidence, also=_following(support))
        measure, score, cut = (("expected F1", expected[k], chooser.threshold) if chooser.threshold is not None
                               else ("reader score", value, self.policy.threshold))
        if score < cut and not confirmed[k]:   # a name the sentence's grammar puts on the side asked for answers
            return TextAnswer(None, None, confidence,
                              f"no passage answers it clearly enough ({measure} {score:.2f} < {cut:.2f})",
                              expected_f1=sure, nearest=support if _about(asked, best.hit) else None)
        chosen = spans[k]
        after = chosen.sentence[chosen.start - chosen.sentence_start + len(chosen.text):]
        short = without_asked_title(without_clause(short_form(counted(chosen.text, after, _unit(question)))), asked)
        short = with_unit(short, after, question)
        short = end_state(short, chosen.sentence[:chosen.start - chosen.sentence_start], question)
        if must is not None and must[0] == "time" and (times := list(CLOCK.finditer(short))):
            short = short[:times[-1].end()]     # "3:15 am on 9 October": the time asked for, not the date after it
        if confirmed[k]:   # a side is someone: "Tomas Ferreira's 39%" -> "Tomas Ferreira"
            short = _POSSESSED.sub("", short)
        return TextAnswer(support, short, confidence, expected_f1=sure)

    def _describe(self, question: str, passages: list[Hit]) -> TextAnswer:
        """An account: the sentences the ranker puts first (`ACCOUNT_SENTENCES`) in reading order, no short answer; an
        abstention when no passage read is about the question and of its years (`account_sentences`)."""
        asked = Asked.of(question, self.vocabulary, self.word_vectors)
        sentences = account_sentences(question, asked, passages)
        if not sentences:
            return TextAnswer(None, None, 0.0, "no passage is about what the question names")
        shares = self.ranker.shares(sentence_features(asked, sentences, self.similarities(question, sentences)))
        chosen = [(sentences[k], float(shares[k]))
                  for k in best_distinct([s.placed for s in sentences], shares, ACCOUNT_SENTENCES)]
        confidence = round(chosen[0][1], 3)   # how clearly the best stands out among the candidates
        place: dict[str, int] = {}             # each passage's sentences as written, passages in the order of
        for s, _ in chosen:                    # their best sentence
            place.setdefault(s.hit.chunk.id, len(place))
        chosen.sort(key=lambda c: (place[c[0].hit.chunk.id], c[0].span.start))
        first, *rest = [Support(s.hit, s.span.start, s.span.end, s.span.text, round(x, 3), 0.0, 0.0) for s, x in chosen]
        return TextAnswer(first, None, confidence, also=rest)

    def similarities(self, question: str, sentences: list[Sentence]) -> np.ndarray:
        """Each candidate sentence's embedding cosine with the question."""
        return np.array(self.cosines(question, [(s.hit.chunk.doc, s.span) for s in sentences]))

    def _read(self, question: str, passages: list[Hit]) -> TextAnswer:
        """The best reading by the fitted policy; below its threshold, an abstention."""
        found = self.readings(question, passages)
        if not found:
            return TextAnswer(None, None, 0.0, "no passage holds an answer")
        best = max(found, key=lambda r: r.value)
        threshold = self.policy.threshold
        # the reader's own odds of this span against no answer, comparable with the table engine's confidence
        confidence = round(1 / (1 + math.exp(-best.reading.score)), 3)
        support = Support(best.hit, best.sentence.start, best.sentence.end, best.sentence.text, best.value, 0.0, 0.0)
        if best.value < threshold:
            return TextAnswer(None, None, confidence, "no passage answers it clearly enough "
                              f"(reader score {best.value:.2f} < {threshold:.2f})",
                              nearest=support if _about(Asked.of(question, self.vocabulary), best.hit) else None)
        return TextAnswer(support, best.reading.answer, confidence)

    def _score_sentences(self, question, q_tokens, kind, passages) -> list[Support]:
        sentences = []
        for rank, hit in enumerate(passages):
            for span in split_sentences(hit.chunk.text, hit.chunk.start):
                sentences.append((rank, hit, span))
        similarities = self.cosines(question, [(hit.chunk.doc, s) for _, hit, s in sentences])
        months = {stem(m.lower()) for m in MONTHS.split("|")}
        q_names = {t for t in q_tokens if t in self.vocabulary.names and t not in months}
        q_years = {t for t in q_tokens if re.fullmatch(r"(1[89]|20)\d\d", t)}
        unseen = [t for t in q_tokens if t not in self.vocabulary.words and not t[0].isdigit()]
        damping = (0.9 if kind != "span" else 0.75) ** len(unseen)  # a word no document uses is a bad sign
        total_idf = sum(self.vocabulary.weight(t) for t in q_tokens) or 1.0
        out = []
        for (rank, hit, span), similarity in zip(sentences, similarities):
            sent_tokens = set(terms(span.text))
            context = set(terms(hit.chunk.title + " " + " ".join(hit.chunk.section)))
            covered = sum(self.vocabulary.weight(t) * (1.0 if t in sent_tokens else 0.5 if t in context else 0.0)
                          for t in q_tokens)
            coverage = covered / total_idf
            span_pick = self._pick_span(span.text, kind, q_tokens, question)
            if kind == "span" and not _clause(span.text, q_tokens):
                coverage *= 0.75   # nothing in the sentence beyond the question's own words answers it
            score = (0.5 * coverage + 0.5 * max(similarity, 0.0) - 0.02 * rank) * damping
            # Each person, place or year the question names that neither the sentence nor its section
            # mentions makes the sentence less likely to be about the same thing; one named only in a
            # neighbouring sentence of the passage ("... the storm. Three boats sank") less so.
            missing = (q_names | q_years) - context - sent_tokens
            nearby = missing & set(terms(hit.chunk.text)) - q_years   # a year is never implied
            elsewhere = (missing & q_names) - self.vocabulary.doc_terms.get(hit.chunk.doc, set())  # a name its document never uses
            score *= 0.6 ** len(missing - nearby - elsewhere) * 0.85 ** len(nearby) * 0.4 ** len(elsewhere)
            out.append(Support(hit, span.start, span.end, span.text, score, coverage, similarity, span_pick,
                               missing))
        return out

    def _pick_span(self, sentence: str, kind: str, q_tokens: list[str], question: str) -> Candidate | None:
        """The span of the wanted kind nearest to the words the question shares with the sentence."""
        masked = blank_references(sentence)  # "[16]" is a reference, not a figure
        found = candidates(masked, kind)
        asked = set(q_tokens)
        if kind in ("number", "measure"):
            dates = [range(c.start, c.end) for c in candidates(masked, "date")]
            found = [c for c in found if not any(c.start in d for d in dates)]
            unit = _unit(question)
            if unit:  # "how many votes" is not answered by "11 districts" or a "2,500-vote margin"
                found = [c for c in found if _counts(masked, c, unit) and not c.text.endswith("-fold")]
        if kind in ("person", "place", "org"):
            # The question's own entities are not its answer; a name must be one the documents capitalise.
            found = [c for c in found if set(terms(c.text)) & self.vocabulary.names
                     and not _same_entity(c.text, question)]
            located = [c for c in found if _LOCATIVE.search(masked[:c.start])]
            if kind == "person":  # "sailed to Gull Island" names a place, not a person
                found = [_untitled(c) for c in found if c not in located]
            if kind == "place":  # a place is where something happens: "in Paris", "at the town hall"
                found = located or found
        else:
            found = [c for c in found if not set(terms(c.text)) <= asked]
        if not found:
            return None
        # Question words near a span bind it, rare words and names most ("Smith's 45%" for "Smith's share").
        anchors = [(m.start(), self.vocabulary.weight(stem_word(m.group())))
                   for m in re.finditer(r"[\w'’]+", masked) if stem_word(m.group()) in asked]

        def closeness(c: Candidate) -> float:
            return sum(w / (1 + len(masked[min(a, c.start):max(a, c.start)].split())) for a, w in anchors)

        return max(found, key=closeness)

    def cosines(self, question: str, placed: list[tuple[str, Span]]) -> list[float]:
        """Each sentence's (a document and a span of it) embedding cosine with the question."""
        asked = self.embed_query(question)[0]
        return [float(self._vector(doc, span) @ asked) for doc, span in placed]

    def _vector(self, doc: str, span) -> np.ndarray:
        """A sentence's vector stored with the index; embedded here (bounded cache) only if the index lacks it."""
        vec = self.sentences.get(doc, span.start, span.end)
        return vec if vec is not None else self._embed_sentence(span.text)

    def _embed_one(self, text: str) -> np.ndarray:
        return embed(self.model, [text])[0]


_PIECE = re.compile(r"\d+(?:[.,]\d+)*|[\w'’-]+|[,;:()\[\].!?]")   # "1,223,960" and "9.4" stay whole
_AUXILIARIES = "is are was were be been being has have had do does did will would could should can may might"
_LEAD_WORDS = frozenset(("as to that the by throughout during including in on at for with from namely which who whom "
                         "of said says stated added calling " + _AUXILIARIES).split())
_TRAIL_WORDS = frozenset(("the a an and or of to in on at for with by as that which who " + _AUXILIARIES).split())
_TITLES = re.compile(r"^(?:President|Prime Minister|Minister|Mayor|Mr|Mrs|Ms|Dr|Prof|Sir|Dame|King|Queen)\.?\s+(?=\S)")
MAX_CLAUSE_WORDS = 20
SPANS_PER_PASSAGE = 20    # spans the reader offers per passage, for when the best names another year
SPANS_CHOSEN_AMONG = 5    # of those, the ones (agreeing with the question's years) the chooser weighs
# An account is the ranker's best sentences, at most this many: on held-out SQuAD articles the three best hold the
# answer for 84.9% of questions, the best and the two after it in its passage for 75.1% (docs/text-answers.md).
ACCOUNT_SENTENCES = 3


def _clause(sentence: str, q_tokens: list[str]) -> str | None:
    """For a what/how question: the words right after the densest run of question words, up to punctuation.

    "…could force a board reshuffle and an early vote, though…" asked "what could it force?"
    gives "a board reshuffle and an early vote".
    """
    text = blank_references(sentence)
    pieces = list(_PIECE.finditer(text))
    asked = set(q_tokens)
    is_anchor = [p.group()[0].isalnum() and fold(p.group()) not in STOPWORDS
                 and any(t in asked for t in terms(p.group())) for p in pieces]
    best, best_key = None, None
    for i, anchored in enumerate(is_anchor):
        if not anchored:
            continue
        j = i + 1
        while j < len(pieces) and pieces[j].group() in ",;:(":
            j += 1
        run = []
        while j < len(pieces) and not is_anchor[j] and pieces[j].group()[0].isalnum():
            run.append(pieces[j])
            j += 1
        while run and fold(run[0].group()) in _LEAD_WORDS:
            run.pop(0)
        while run and fold(run[-1].group()) in _TRAIL_WORDS:
            run.pop()
        if not run or len(run) > MAX_CLAUSE_WORDS:
            continue
        density = sum(is_anchor[max(0, i - 4):i + 1])
        key = (density, -i)
        if best_key is None or key > best_key:
            best, best_key = sentence[run[0].start():run[-1].end()], key
    return best


_DESCRIPTIVE = re.compile(r"^\s*(?:what happen(?:ed|s)\b|why\b|how (?:did|does|do)\b|"
                          r"tell me (?:about|more|what|how|why|whether)\b|describe\b|explain\b|summari[sz]e\b|"
                          r"what (?:has |have |had )?changed?\b|(?:give me )?an? (?:overview|summary)\b|"
                          r"what (?:does|do|did)\b.*\bdo\s*[?.!]*\s*$|"      # "what does X do?"
                          r"who(?:'s|’s|\s+is|\s+was)\s+(?!(?:the|a|an|this|that|his|her|its|their|he|she|it|they)\b)"
                          rf"(?:[\w'’.-]+\s+)?(?-i:(?:{NAME_WORD}\s+){{0,3}}{NAME_WORD})"
                          r"\s*[?.!]*\s*$|"
                          # "who is Ada Byron?", "who's ada Byron": who someone named is, an account of them
                          r"(?:is|are|was|were|does|do|did|has|have|had|can|could|will|would|should)\b(?!.*\bor\b))",
                          re.IGNORECASE)    # a yes/no question, but not "was it A or B?"


def in_reference(sentence: str, at: int) -> bool:
    """Whether offset `at` of a sentence lies inside a reference marker ("[65]", "[citation needed]")."""
    return any(m.start() <= at < m.end() for m in REFERENCE_MARKER.finditer(sentence))


def is_descriptive(question: str) -> bool:
    """Whether the question asks for an account ("what happened", "why", "how did", "tell me about", "what does X
    do") or is a yes/no question ("Does the warranty cover ...?"), which the passage answers better than any span
    of it: the reader was fitted on SQuAD, whose answers are spans, never "yes" or "no"."""
    return bool(_DESCRIPTIVE.search(question))


_CLAUSE = re.compile(r",\s+(?:who|whom|whose|which|where|when|while|[a-z]+ing|[a-z]+ed)\b"     # ", replacing ..."
                     r"|\s+(?:that|which|who)\s+(?:was|were|is|are|had|has|have|would|will)\b"   # "3 May that was"
                     r"|\s+and\s+(?:a|an|the)\s")                          # "£4.50 and a child £2"
_NAME_LINKS = frozenset("of the and de la von van du da del der &".split())


def without_clause(span: str) -> str:
    """A name or figure without the relative or participial clause the span runs on into ("the Pell Trust, which paid
    for the roof" -> "the Pell Trust"; "1959, opened in 2012" -> "1959"; "3 May that was not lifted until ..." -> "3
    May"), or the coordinated phrase after it ("£4.50 and a child £2" -> "£4.50"); any other span as is."""
    m = _CLAUSE.search(span)
    head = span[:m.start()].split() if m else []
    named = all(w[0].isupper() or w.lstrip("£$€¥")[:1].isdigit() or w in _NAME_LINKS for w in head)
    return span[:m.start()] if head and named and not set(head) <= _NAME_LINKS else span


def without_asked_title(span: str, asked: Asked) -> str:
    """A name without the title words before it that only repeat the question's ("who's the chief fire officer":
    "Officer Ola Lind" -> "Ola Lind"), as long as a name of two or more words stays."""
    words = span.split()
    k = 0
    while k < len(words) - 2 and words[k][:1].isupper() and stem(fold(words[k])) in asked.terms:
        k += 1
    return " ".join(words[k:]) if k and words[k][:1].isupper() else span


def _following(best: Support, most: int = 2) -> list[Support]:
    """Up to `most` sentences right after the supporting one in its passage, to complete an account."""
    chunk = best.hit.chunk
    after = [s for s in split_sentences(chunk.text, chunk.start) if s.start >= best.end][:most]
    return [Support(best.hit, s.start, s.end, s.text, best.score, 0.0, 0.0) for s in after]


_LOCATIVE = re.compile(r"\b(?:in|at|from|near|inside|outside|across)\s+(?:the\s+)?$")
_UNIT_CUE = re.compile(r"\b(?:how many|number of)\s+(?:[a-z]+ly\s+)?([a-z]+)", re.IGNORECASE)
_SAME_UNIT = {"person": "peopl", "persons": "peopl"}


_COUNT = re.compile(r"(?<![\w.,])(?:\d[\d,]*(?:\.\d+)?|(?:" + NUMBER_WORDS + r"))"
                    r"(?:\s+(?:hundred|thousand|million|billion))?(?![\w])", re.IGNORECASE)
_CLAUSE_JOINT = re.compile(r",|;|\(|\band\b|\bbut\b")
_RANGE_OR_PART = re.compile(r"\b(?:to|of|out|from|between|per)\b|[-–]")


def counted(span: str, after: str, unit: str | None) -> str:
    """Of a span holding counts in separate clauses ("five nights and drew 11,500"), the count the question's unit
    follows in its sentence ("how many visitors": `after` the span reads " visitors"), with that noun if the span
    holds it; any other span as it is (one count, a range "3,000 to 5,000", a part "three of the six")."""
    counts = list(_COUNT.finditer(span))
    if unit is None or len(counts) < 2:
        return span
    for a, b in zip(counts, counts[1:]):
        between = span[a.end():b.start()]
        if not _CLAUSE_JOINT.search(between) or _RANGE_OR_PART.search(between) or \
                not re.search(r"[^\W\d_]{3,}", _CLAUSE_JOINT.sub(" ", between)):
            return span
    text = span + after
    for m in counts:
        noun = re.match(r"\s+([\w'’]+)", text[m.end():])
        if noun and stem(fold(noun.group(1))) in (unit, _SAME_UNIT.get(fold(noun.group(1)))):
            end = m.end() + noun.end(1)
            return span[m.start():end] if end <= len(span) else span[m.start():m.end()]
    return span


# app/question.py's "measure" cue but "how old" ("42", not "42 years") and "how often"
_MEASURE_CUE = re.compile(r"\bhow (?:long|far|high|tall|deep|wide|heavy|big|large)\b", re.IGNORECASE)
# a measure's unit written after its number: "25 minutes", "18 metres", "3.5 km"
_MEASURE_UNIT = re.compile(r"\s*(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?|years?|decades?|"
                           r"centur(?:y|ies)|(?:milli|centi|kilo)?met(?:re|er)s?|mm|cm|km|m|miles?|feet|foot|ft|"
                           r"inch(?:es)?|yards?|acres?|hectares?|ha|(?:kilo)?grams?|g|kg|tonnes?|tons?|pounds?|lbs?|"
                           r"(?:milli)?lit(?:re|er)s?|ml|l|storeys?|stories|floors|square (?:met(?:re|er)s|miles|"
                           r"kilomet(?:re|er)s|feet))\b", re.IGNORECASE)
_BARE_NUMBER = re.compile(rf"(?:about |around |some |nearly |almost |over )?(?:[\d.,]+|(?:{_NUMBER_WORDS})"
                          rf"(?:-(?:{NUMBER_WORDS}))?)", re.IGNORECASE)


def span_must_hold(question: str, kind: str) -> tuple[str, Callable[[str, str], bool]] | None:
    """What a question asks for that only some spans can be, and the test of a span (the reader's text, the rest of
    its sentence): a cost holds money ("£3,400", "2 million"; not a coach's seats), a number a number or a quantifier
    ("several", "half"; not a name), a share a number written as one ("58.4%", "58.4 per cent", "half"; not "212
    votes": SQuAD's gold answers to a share pass 59 times in 62), a time of day a clock's time ("3:15 am"; not a date).
    None for any other."""
    if ASKS_COST.search(question):
        return "cost", lambda span, after: bool(QUANTITY.search(span) and MONEY.search(span))
    if kind == "percent":
        return "share", lambda span, after: bool(QUANTITY.search(span)) and is_share(span, after)
    if kind == "number":
        return "number", lambda span, after: bool(QUANTITY.search(span))
    if ASKS_TIME.search(question):
        return "time", lambda span, after: bool(CLOCK.search(span))
    return None


def is_share(text: str, after: str = "") -> bool:
    """Whether a span says a share: each of its numbers is a percentage ("58.4%", "70" before "%"; not "212 votes
    ... 58.4%"), or it has no number and a word of one ("half", "a third", "the majority")."""
    numbers = list(_DIGITS.finditer(text))
    if not numbers:
        return bool(SHARE.search(text))
    return all(SHARE_AFTER.match(text[m.end():] or after) for m in numbers)


def with_unit(short: str, after: str, question: str) -> str:
    """A bare number answering "how long / far / high ..." with the unit its sentence writes after it: "twenty-five"
    -> "twenty-five minutes" (a length without its unit says nothing)."""
    if not _MEASURE_CUE.search(question) or not _BARE_NUMBER.fullmatch(short):
        return short
    unit = _MEASURE_UNIT.match(after)
    return short + after[:unit.end()] if unit else short


_FROM_TO = re.compile(r"(?:from\s+)?(?P<was>.+?)\s+to\s+(?P<now>.+)", re.IGNORECASE)       # "(from) 14 to 23"
_UP_FROM = re.compile(r"(?P<now>.+?),?\s+(?:up|down)\s+from\s+(?P<was>.+)", re.IGNORECASE)  # "£2,136, up from £1,410"
_CHANGED_FROM = re.compile(r"\b(?:r[io]se|risen|gr[eo]w|grown|raised|increased|fell|fallen|dropped|cut|went (?:up|down)|"
                           r"climbed|jumped|reduced|lowered|changed|moved|doubled|halved)\b\W+(?:[\w'’£$€]+\W+){0,4}"
                           r"from\s*$", re.IGNORECASE)     # "grew from", "raised the hire charge from": a change,
                                                            # not a range ("ruled from 1271 to 1368")
_ASKS_CHANGE = re.compile(r"\b(?:from|between|since|change[sd]?|ris(?:e|es|en)|rose|increase[sd]?|decrease[sd]?|"
                          r"f[ae]ll|grow|grew|up|down|range|difference|more|less|fewer)\b", re.IGNORECASE)


def end_state(short: str, before: str, question: str) -> str:
    """A change of one figure answering a question that asks no change: the figure it came to ("grew from 14 to 23"
    -> "23" for "how many fixers have they got now"; "£2,136, up from £1,410" -> "£2,136"). A range ("10 to 15
    people", "ruled from 1271 to 1368": no verb of change before "from") stays."""
    if _ASKS_CHANGE.search(question):
        return short
    m = _UP_FROM.fullmatch(short)
    if m is None and _CHANGED_FROM.search(before + ("from" if short[:5].lower() == "from " else "")):
        m = _FROM_TO.fullmatch(short)
    if m is None or not (QUANTITY.search(m["was"]) and QUANTITY.search(m["now"])) or CLOCK.search(short):
        return short        # "from 8:00 to 18:30": hours open, no change
    return m["now"]


def _unit(question: str) -> str | None:
    """The thing a "how many X" question counts, stemmed (`votes` -> `vote`)."""
    m = _UNIT_CUE.search(fold(question))
    return stem(m.group(1)) if m else None


def _counts(sentence: str, c: Candidate, unit: str) -> bool:
    """Whether a number counts `unit`: the noun after it (past a hyphenated compound) is that unit, or absent."""
    after = re.match(r"(-[\w]+)?\s*([\w'’]+)?", sentence[c.end:])
    word = after.group(2) or "" if after else ""
    if after and after.group(1) and not word[:1].isalpha():
        word = after.group(1)[1:]
    folded = fold(word)
    if not folded.isalpha() or folded in STOPWORDS:
        return True
    noun = _SAME_UNIT.get(folded, stem(folded))
    return noun == unit or _SAME_UNIT.get(unit, unit) == noun


def _holds_asked_office(office: Office, asked: Asked, reading: PassageReading, question: str) -> bool:
    """Whether a span is a name its sentence puts beside the office asked for (app/offices.py `holds_office`), of
    what the question asks it of: every other word of the question is in that sentence or in its passage's title and
    headings ("who conducts the brass band": not the choir's conductor); and not a name the question itself
    gives ("who was chair before Ada Brandt")."""
    text = reading.reading.text.strip("*_ ")
    if not PATTERNS["name"].fullmatch(text) or _same_entity(text, question) \
            or not holds_office(office, *reading.in_sentence()):
        return False
    chunk = reading.hit.chunk
    said = set(terms(" ".join([reading.sentence.text, chunk.title, *chunk.section])))
    return asked.terms.keys() - {office.head, *office.verbs} <= said


def _same_entity(name: str, question: str) -> bool:
    """Whether a name refers to someone the question already names ("Ada Lovelace" for "Lovelace").

    Sharing a surname is not enough: "Piet Vandermeer" is not the "Anna Vandermeer" asked about.
    """
    q_words = [fold(w) for w in re.findall(r"[\w'’]+", question)]
    n_words = [fold(w) for w in re.findall(r"[\w'’]+", name)]
    shared = [w for w in n_words if w in q_words]
    if not shared:
        return False
    for w in shared:
        i = q_words.index(w)
        before = question.split()[i - 1] if 0 < i <= len(question.split()) - 1 else ""
        if i > 0 and before[:1].isupper() and fold(before) not in n_words and len(n_words) > 1:
            return False  # the question gives another first name
    return True


def stem_word(word: str) -> str:
    """The stemmed, folded form of one word (as question terms are)."""
    return stem(fold(word).strip("'’")) if word else ""


def _complements(best: Support, supports: list[Support]) -> list[Support]:
    """The best passage from another chunk that names what the answer's passage leaves out (e.g. the other year)."""
    if not best.missing:
        return []
    others = [s for s in supports if s.hit.chunk.id != best.hit.chunk.id and best.missing - s.missing]
    return [max(others, key=lambda s: (s.hit.chunk.doc != best.hit.chunk.doc, s.score))] if others else []


def _untitled(c: Candidate) -> Candidate:
    """A name without a leading title: "President Ada Byron" -> "Ada Byron"."""
    m = _TITLES.match(c.text)
    return Candidate(c.text[m.end():], c.start + m.end(), c.end) if m else c


def clean_sentence(sentence: str) -> str:
    """A sentence without a list item's bullet, wiki reference markers and stray quotes, for display."""
    bullet = LIST_MARKER.match(sentence)
    text = sentence[bullet.end():] if bullet else sentence
    return re.sub(r"\s{2,}", " ", REFERENCE_MARKER.sub("", text)).strip(" \"“”")
