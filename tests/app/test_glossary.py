"""Turkish questions get English glosses; English questions are left as they are."""
from app.glossary import expand, glosses


def test_inflected_turkish_words_get_their_glosses():
    assert set(glosses("Esenler'de kayıtlı seçmen sayısı kaç?")) >= {"registered", "voters electors", "how many"}
    assert "June" in glosses("Haziran 2019 seçiminde oyların yüzde kaçını aldı?")


def test_english_questions_are_unchanged():
    for q in ("What was the turnout in Martin's district?", "How many participants were there?",
              "Who won the general election?"):
        assert expand(q) == q
