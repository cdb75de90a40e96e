"""Folding makes Turkish and other Latin-script spellings meet."""
from index.fold import fold, tokenize


def test_dotted_capital_i_folds_to_plain_i():
    assert fold("İmamoğlu") == "imamoglu"
    assert "̇" not in fold("İSTANBUL")


def test_dotless_i_folds_to_i():
    assert fold("Bağcılar") == "bagcilar"
    assert fold("ILIK ılık") == "ilik ilik"


def test_all_spellings_of_a_name_are_one_token():
    assert tokenize("İmamoğlu") == tokenize("IMAMOĞLU") == tokenize("Imamoglu") == tokenize("imamoglu") == ["imamoglu"]


def test_other_latin_diacritics_are_dropped():
    assert tokenize("Ümraniye Çatalca Şişli café Kâğıthane") == ["umraniye", "catalca", "sisli", "cafe", "kagithane"]


def test_numbers_lose_thousands_separators_but_keep_decimals():
    assert tokenize("81,777 votes (48.3%) in 2019.") == ["81777", "votes", "48.3", "in", "2019"]


def test_stem_leaves_an_empty_token_empty():
    from index.fold import stem

    assert stem("") == "" and stem("arrested") == "arrest" and stem("2019") == "2019"
