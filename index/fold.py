"""Case and diacritic folding, and the tokenizer BM25 and entity matching share."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters that NFKD does not decompose into a base letter + combining mark.
_SPECIAL = str.maketrans({"İ": "I", "ı": "i", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                          "ł": "l", "Ł": "L", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                          "’": "'", "‘": "'", "“": '"', "”": '"'})
# The letters among them that stand for one plain letter: read as it, a text keeps its offsets.
_PLAIN = {code: plain for code, plain in _SPECIAL.items() if chr(code).isalpha() and len(plain) == 1}
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
STOPWORDS = frozenset(
    "a an the of in on at to for from by with and or is are was were be been did do does "
    "what which who whom whose how many much when where why that this these those it its "
    "as into than then there their his her he she they them i you we our your has have had "
    "get got give gave about s".split()
)


def plain_letters(text: str) -> str:
    """`text` with the letters NFKD leaves alone that stand for one plain letter ("ı", "İ", "ø", "ł", "đ") read as it,
    at the same offsets, case kept: "Kızılırmak" then reads as "kizilirmak" typed does."""
    return text.translate(_PLAIN)


def fold(text: str) -> str:
    """Lowercase and strip diacritics so `Öztürkoğlu`, `ÖZTÜRKOĞLU` and `Ozturkoglu` compare equal."""
    if text.isascii():          # nothing to translate, decompose or strip: most text, at a fraction of the cost
        return text.lower()
    text = text.translate(_SPECIAL).lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Folded word and number tokens; numbers lose their thousands separators (`12,345` -> `12345`)."""
    tokens = []
    for tok in _TOKEN.findall(fold(text)):
        if tok[0].isdigit():
            tok = normalize_number(tok)
        tokens.append(tok)
    return tokens


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """English Snowball stem of a folded word (`arrested` -> `arrest`); numbers stay as they are."""
    return token if not token or token[0].isdigit() else _stemmer().stemWord(token)


def terms(text: str) -> list[str]:
    """Stemmed tokens: what BM25 indexes and what question coverage is measured in."""
    return [stem(t) for t in tokenize(text)]


def normalize_number(tok: str) -> str:
    """`12,345` -> `12345`, `54.2` stays; a comma followed by three digits is a thousands separator."""
    return re.sub(r",(?=\d{3}(?:\D|$))", "", tok)
