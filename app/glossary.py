"""Cross-language question support: English glosses for common Turkish question words.

The documents may be in English while users ask in Turkish; the embedder is English-only and
BM25 needs shared words, so a question's Turkish words get their English glosses appended.
Stems are diacritic-folded and matched as word prefixes, so inflected forms (`oyların`,
`seçiminde`) are found.
"""
from __future__ import annotations

import re

from index.fold import fold

# folded stem -> English gloss (generic vocabulary only: question words, months, election terms)
TURKISH = {
    "kac": "how many", "kim": "who", "nerede": "where", "hangi": "which", "nedir": "what is",
    "ne zaman": "when", "tarih": "date", "yil": "year", "en cok": "most largest", "en fazla": "most largest",
    "en az": "least smallest", "en dusuk": "lowest smallest", "en yuksek": "highest largest",
    "oy": "votes", "oylar": "votes", "yuzde": "percent share", "oran": "share percent",
    "secmen": "voters electors", "kayitli": "registered", "toplam": "total", "katilim": "turnout",
    "secim": "election", "aday": "candidate", "kazan": "won winner", "ilce": "district",
    "belediye baskan": "mayor", "baskan": "mayor", "parti": "party", "fark": "margin difference",
    "genel": "overall total", "sehir": "city", "tutuklan": "arrested", "kisi": "people",
    "ocak": "January", "subat": "February", "mart": "March", "nisan": "April", "mayis": "May",
    "haziran": "June", "temmuz": "July", "agustos": "August", "eylul": "September", "ekim": "October",
    "kasim": "November", "aralik": "December",
}
# Turkish case, possessive and plural endings (folded); a stem must be followed by one of them or nothing.
_SUFFIX = r"(?:lar\w{0,4}|ler\w{0,4}|in\w{0,2}|un\w{0,2}|nin|nun|de|da|te|ta|den|dan|e|a|i|u|ye|ya|si|su|sin|di|dir|du|dur|ti|tir|ki|li|lu)?"


def glosses(question: str) -> list[str]:
    """English glosses for the Turkish words in a question (empty for an English question)."""
    text = " " + re.sub(r"[^\w\s]", " ", fold(question)) + " "
    found = []
    for stem, gloss in TURKISH.items():
        if re.search(rf"\s{stem}{_SUFFIX}\s", text) and gloss not in found:
            found.append(gloss)
    return found


def expand(question: str) -> str:
    """The question with English glosses appended, when at least two Turkish words mark it as Turkish."""
    extra = glosses(question)
    return f"{question} ({' '.join(extra)})" if len(extra) >= 2 else question
