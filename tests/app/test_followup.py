"""Short follow-ups borrow the rest of the previous question."""
from app.followup import is_followup, resolve

HISTORY = [{"role": "user", "content": "How many votes did Kurum get in Bağcılar?"},
           {"role": "assistant", "content": "189,378 [1]"}]


def test_and_in_x_replaces_the_place_of_the_previous_question():
    assert resolve("And in Esenler?", HISTORY) == "How many votes did Kurum get in Esenler?"


def test_what_about_x_works_the_same_way():
    assert resolve("What about in Esenler?", HISTORY) == "How many votes did Kurum get in Esenler?"


def test_a_bare_name_replaces_the_last_name_of_the_previous_question():
    history = [{"role": "user", "content": "How many loans did Harbourside record?"}]
    assert resolve("And Millbrook?", history) == "How many loans did Millbrook record?"


def test_a_full_question_is_left_alone():
    assert not is_followup("Who won the election in 2024?")
    assert resolve("Who won the election in 2024?", HISTORY) == "Who won the election in 2024?"


def test_without_history_nothing_changes():
    assert resolve("And in Esenler?", []) == "And in Esenler?"
    assert resolve("And in Esenler?", None) == "And in Esenler?"


def test_a_chain_of_follow_ups_resolves_through_each_turn():
    history = [{"role": "user", "content": "What was the share in Paris?"},
               {"role": "user", "content": "And in Lyon?"}]
    assert resolve("And in Nice?", history) == "What was the share in Nice?"


def test_a_follow_up_that_names_nothing_is_not_substituted():
    assert resolve("And in 😀?", HISTORY) == "And in 😀?"


def test_typed_in_lowercase_a_name_still_replaces_the_last_name_but_not_a_month():
    names = {"harbourside", "millbrook", "okafor", "ferreira", "june"}.__contains__
    history = [{"role": "user", "content": "how many loans did harbourside record"}]
    assert resolve("and millbrook", history, names) == "how many loans did millbrook record?"
    assert resolve("and millbrook", history) == "how many loans did harbourside record millbrook?"   # no names known
    history = [{"role": "user", "content": "what share did ferreira win in june 2019"}]
    assert resolve("what about okafor", history, names) == "what share did okafor win in june 2019?"
    assert resolve("what about the turnout", history, names) == "what share did ferreira win in june 2019 the turnout?"


def test_a_name_after_the_replaces_the_last_name_without_doubling_the_article():
    weigh = [{"role": "user", "content": "How much does the K2-40 weigh?"}]
    assert resolve("And the K3-90?", weigh) == "How much does the K3-90 weigh?"
    cast = [{"role": "user", "content": "How many votes were cast in Leiden?"}]
    assert resolve("And the Hague?", cast) == "How many votes were cast in the Hague?"


def test_it_stands_for_the_last_name_of_the_previous_question():
    history = [{"role": "user", "content": "What does the Kestrel K3 pump do?"}]
    assert resolve("Who makes it?", history) == "Who makes the Kestrel K3?"
    assert resolve("What is its top speed?", history) == "What is the Kestrel K3's top speed?"
    assert resolve("Is it cheaper than the Osprey?", history) == "Is it cheaper than the Osprey?"   # names its own
    assert resolve("Who makes it?", [{"role": "user", "content": "When is the clinic open?"}]) == "Who makes it?"


def test_he_and_she_stand_for_the_previous_questions_first_name_unless_it_asked_who():
    born = [{"role": "user", "content": "When was Ilse Varnholt born at the Talbridge clinic?"}]
    assert resolve("Where did she study?", born) == "Where did Ilse Varnholt study?"
    assert resolve("Who replaced her as head of the lab?", born) == "Who replaced Ilse Varnholt as head of the lab?"
    assert resolve("What was her most cited paper?", born) == "What was Ilse Varnholt's most cited paper?"
    assert resolve("Did she marry him?", born) == "Did Ilse Varnholt marry him?"       # one pronoun, one name
    # after "who ...?" a pronoun stands for the answer, which no question holds: without a reply, left as typed
    won = [{"role": "user", "content": "Who won the 2019 Talbridge election?"}]
    assert resolve("Which party did he represent?", won) == "Which party did he represent?"
    assert resolve("Did she study at Eastbrook?", born) == "Did she study at Eastbrook?"    # names its own


def test_after_a_who_question_a_pronoun_stands_for_the_name_the_reply_gave():
    asked = {"role": "user", "content": "Who is the head of the Talbridge clinic?"}
    replied = {"role": "assistant", "content": "The head of the Talbridge clinic is Dr Ilse Varnholt [1]."}
    assert resolve("When did she join?", [asked, replied]) == "When did Dr Ilse Varnholt join?"
    assert resolve("When did she join?", [asked]) == "When did she join?"             # no reply yet
    abstained = {"role": "assistant", "content": "The documents do not contain an answer to this question."}
    named = lambda word: all(w.lower() in {"ilse", "varnholt", "talbridge"} for w in word.split())  # noqa: E731
    assert resolve("When did she join?", [asked, abstained], named) == "When did she join?"   # it named no one
    nameless = {"role": "user", "content": "Who has chaired the board since 2020?"}       # names no one itself
    chair = {"role": "assistant", "content": "Dr Ilse Varnholt — Since 2020 the chair has been Dr Ilse Varnholt."}
    assert resolve("What was her job?", [nameless, chair]) == "What was Dr Ilse Varnholt's job?"
    # a chain: the pronoun resolved from the reply carries on to the next question
    chain = [asked, replied, {"role": "user", "content": "When did she join?"}, {"role": "assistant", "content": "2019"}]
    assert resolve("Where did she work before?", chain) == "Where did Dr Ilse Varnholt work before?"


def test_after_who_is_a_name_a_pronoun_stands_for_that_name():
    history = [{"role": "user", "content": "who was Harold Venning"},
               {"role": "assistant", "content": "Harold Venning's successor, Ada Byron, said he founded the lab."}]
    assert resolve("when did he retire", history) == "when did Harold Venning retire"


def test_a_capitalised_word_the_documents_do_not_name_does_not_stop_a_pronoun():
    born = [{"role": "user", "content": "When was Ilse Varnholt born?"}]
    named = lambda word: all(w.lower() in {"ilse", "varnholt", "eastbrook"} for w in word.split())  # noqa: E731
    assert resolve("Who was her PhD supervisor?", born, named) == "Who was Ilse Varnholt's PhD supervisor?"
    assert resolve("Did she study at Eastbrook?", born, named) == "Did she study at Eastbrook?"


def test_the_kind_of_thing_a_question_asks_for_is_no_name_of_its_own():
    # documents that write "the Harbour Party" make "party" a name; in "which party ..." it names what is asked for
    won = [{"role": "user", "content": "Who won the 2019 Talbridge election?"},
           {"role": "assistant", "content": "Ada Byron — Ada Byron of the Harbour Party won with 52% [1]."}]
    named = lambda word: all(w.lower() in {"party", "ada", "byron", "talbridge"} for w in word.split())  # noqa: E731
    assert resolve("which party did she represent", won, named) == "which party did Ada Byron represent"
    assert resolve("Did she beat the Harbour Party?", won, named) == "Did she beat the Harbour Party?"   # names its own
