"""The quiz driven by keys at 80x24: choices that fit, typed answers marked and overruled."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from studyapp.deckfmt.model import ParsedCard, ParsedDeck
from studyapp.study.views import Rating
from studyapp.ui.screens.home import HomeScreen
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.screens.quiz_parts import ChoiceList
from tests.ui.conftest import MARKUP_BACK, MARKUP_FRONT, ready, screen_text, settle
from tests.ui.test_screens import quiz_logs

SIZE = (80, 24)
LONG = (
    "The KL loss function measures the closeness of two distributions, i.e how similar they "
    "are, this is directly related to how they overlap. However, if the two distributions "
    "differ entirely, then we have close to zero loss, which ruins all further training."
)
CARDS = [
    ("What is KL divergence short for?", "Kullback-Leibler divergence"),
    ("What input does a generator work on?", "Randomly sampled noise."),
    ("GANs involve __ density modeling", "implicit"),
    ("What are the two generative models? (2)",
     "\u2022 Variational autoencoders\n\u2022 Generative adversarial networks"),
    ("What is the problem of using KL loss in GANs?", LONG),
    ("Explain the intuition behind a GAN", LONG.replace("KL", "JS") + " " + LONG[:80]),
    ("Briefly explain the CycleGAN", "Two generators and two discriminators, " + LONG[40:]),
    ("What is a loss function you might use in an autoencoder", "MSE"),
]  # fmt: skip
TYPED = {
    "What is KL divergence short for?": "KL divergence",  # accepted
    "What input does a generator work on?": "random noise",  # accepted
    "GANs involve __ density modeling": "explicit",  # rejected: the opposite
    "What is a loss function you might use in an autoencoder": "mean squared error",
}


def quiz_deck(name: str = "A quiz deck") -> ParsedDeck:
    cards = [ParsedCard(f, b, line=2 * i + 1) for i, (f, b) in enumerate(CARDS)]
    return ParsedDeck(name=name, format="deck", source="tests/quiz.txt", cards=cards)


def verdict_of(quiz: QuizScreen) -> str:
    """The verdict and, after it, the keys that go on."""
    parts = ("#quiz-verdict", "#quiz-keys")
    return "  ".join(str(quiz.query_one(part, Static).render()) for part in parts)


async def open_quiz(app, pilot, key: str) -> QuizScreen:  # type: ignore[no-untyped-def]
    await ready(pilot)
    home = app.screen
    assert isinstance(home, HomeScreen)
    home.query_one("#decks", DataTable).move_cursor(row=0)  # "A quiz deck" sorts first
    await pilot.press(key)
    await settle(pilot)  # the questions load on a worker
    quiz = app.screen
    assert isinstance(quiz, QuizScreen)
    return quiz


async def test_four_long_choices_fit_at_80x24_with_a_hanging_indent(app, service) -> None:
    service.imports.parsed(quiz_deck())
    async with app.run_test(size=SIZE) as pilot:
        quiz = await open_quiz(app, pilot, "q")
        assert quiz.mode == "choice" and len(quiz.questions) == len(CARDS)
        screen = app.screen.region
        seen_long = False
        for question in quiz.questions:
            rows = list(quiz.query_one(ChoiceList).query(".choice"))
            assert len(rows) == 4
            for row in rows:
                assert row.region.height >= 1 and screen.contains_region(row.region), row.region
            for number, row in enumerate(rows, 1):
                label, text = row.query_one(".label", Static), row.query_one(".text", Static)
                assert str(label.render()) == f"{number}."  # the number once, on the first line
                assert label.region.height == 1 and text.region.y == label.region.y
                assert text.region.x >= label.region.right  # wrapped lines hang past it
                assert text.region.right <= screen.right
                assert str(text.render()) == question.options[number - 1]  # whole, never cut
            seen_long = seen_long or any(row.region.height > 1 for row in rows)
            right = question.correct_index
            assert right is not None
            await pilot.press(str(right + 1))
            await pilot.pause()
            shown = quiz.query(".choice")
            assert "-right" in shown[right].classes  # the right one, marked and shown whole
            assert screen.contains_region(shown[right].region)
            await pilot.press("enter")
            await pilot.pause()
        assert seen_long  # the deck's long answers did wrap
        assert quiz.finished and "Score: 8/8" in screen_text(app)


async def test_typed_quiz_by_keys_marks_and_overrules(app, service, fresh) -> None:
    service.imports.parsed(quiz_deck())
    async with app.run_test(size=SIZE) as pilot:
        quiz = await open_quiz(app, pilot, "t")
        assert quiz.mode == "typed"
        overruled = None
        expected_right = 0
        for question in quiz.questions:
            typed = TYPED.get(question.prompt, "no idea")
            await pilot.press(*typed, "enter")
            await pilot.pause()
            answer = quiz.score.answers[-1]
            assert answer.correct == (question.prompt in TYPED and typed != "explicit")
            text = screen_text(app)
            assert "Expected" in text and "Typed" in text
            assert "o: overrule" in verdict_of(quiz)
            given = quiz.query_one("#quiz-given .text", Static).render()
            assert typed in str(given)
            if typed == "explicit":  # a fair grade, but the student overrules it
                await pilot.press("o")
                await pilot.pause()
                answer = quiz.score.answers[-1]  # answers are values: o replaces the grade
                assert answer.correct and answer.overruled
                assert "overruled by you" in screen_text(app)
                overruled = question.card_id
            expected_right += answer.correct
            await pilot.press("enter")
            await pilot.pause()
        assert quiz.finished and quiz.score.right == expected_right == 4
        text = screen_text(app)
        assert f"Score: 4/{len(CARDS)}" in text and "1 overruled by you" in text
    logs = dict(quiz_logs(fresh()))
    assert len(logs) == len(CARDS)
    assert overruled is not None and logs[overruled] == Rating.GOOD


async def test_typed_feedback_marks_the_missing_words(app, service) -> None:
    service.imports.parsed(quiz_deck())
    async with app.run_test(size=SIZE) as pilot:
        quiz = await open_quiz(app, pilot, "t")
        while quiz.questions[quiz.index].answer != "Randomly sampled noise.":
            await pilot.press(*"pass", "enter", "enter")
            await pilot.pause()
        await pilot.press(*"random gaussian noise", "enter")
        await pilot.pause()
        expected = quiz.query_one("#quiz-expected .text", Static).render()
        assert str(expected) == "Randomly sampled noise."  # the card's text, not markup
        missing = [s for s in expected.spans if "reverse" in str(s.style)]  # type: ignore[union-attr]
        assert [str(expected)[s.start : s.end] for s in missing] == ["sampled"]
        given = quiz.query_one("#quiz-given .text", Static).render()
        extra = [s for s in given.spans if "strike" in str(s.style)]  # type: ignore[union-attr]
        assert [str(given)[s.start : s.end] for s in extra] == ["gaussian"]


async def test_summary_indents_answers_under_their_question(app, service) -> None:
    service.imports.parsed(quiz_deck())
    async with app.run_test(size=(80, 40)) as pilot:
        quiz = await open_quiz(app, pilot, "q")
        for question in quiz.questions:
            right = question.correct_index
            assert right is not None
            await pilot.press(str((right + 1) % 4 + 1))  # always wrong
            await pilot.pause()
            await pilot.press("space")
            await pilot.pause()
        assert quiz.finished
        missed = list(quiz.query(".missed"))
        answers = list(quiz.query(".missed-answer"))
        assert len(missed) == len(answers) == len(CARDS)
        labels = [str(row.query_one(".label", Static).render()) for row in missed]
        assert labels == [f"{i}." for i in range(1, len(CARDS) + 1)]
        for question, answer in zip(missed, answers, strict=True):
            text_x = question.query_one(".text").region.x
            assert answer.content_region.x >= question.region.x + 4  # indented: no new bullet
            assert answer.query_one(".text").region.x >= text_x
            assert answer.region.y > question.region.y
        bulleted = [a for a in answers if "\u2022" in str(a.query_one(".text", Static).render())]
        assert bulleted and all(a.query_one(".text").region.height >= 2 for a in bulleted)


async def test_a_data_change_keeps_the_quiz_and_keys_wait_for_questions(app, service) -> None:
    service.imports.parsed(quiz_deck())
    async with app.run_test(size=SIZE) as pilot:
        quiz = await open_quiz(app, pilot, "q")
        asked = quiz.questions
        await pilot.press("1")
        await pilot.pause()
        app.announce("edited elsewhere")  # DataChanged: the screen reloads
        await settle(pilot)
        assert quiz.questions is asked and quiz.score.asked == 1  # not a new quiz
    waiting = QuizScreen(1)
    assert not waiting.finished and not waiting.answered  # no questions yet: not "done"
    assert waiting.check_action("choose", (0,)) is False


# -- three outcomes: right, wrong, or the student's call ---------------------------------

FIVE = (
    "The encoder maps each input to the mean and variance of a Gaussian over the latent "
    "space; the decoder maps a sample of it back to the input. Training maximises the "
    "ELBO: a reconstruction term plus a KL term that keeps each posterior close to the "
    "standard normal prior, so the latent space is smooth and can be sampled."
)
"""An answer of five lines in the feedback's text column at 80 columns."""


def graded_deck() -> ParsedDeck:
    cards = [
        ParsedCard("What input does a generator work on?", "Randomly sampled noise.", line=1),
        ParsedCard("What is a loss function you might use in an autoencoder", "MSE", line=3),
        ParsedCard("GANs involve __ density modeling", "implicit", line=5),
        ParsedCard("How does a VAE work?", FIVE, line=7),
    ]
    return ParsedDeck(name="A quiz deck", format="deck", source="tests/graded.txt", cards=cards)


UNSURE = {
    "What input does a generator work on?": "random gaussian noise",
    "What is a loss function you might use in an autoencoder": "cross entropy",
}


def keybar(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("KeyBar").render())


async def test_an_unsure_answer_is_the_students_call_with_one_key(app, service, fresh) -> None:
    service.imports.parsed(graded_deck())
    before = {row.id: (row.state, row.due, row.reps) for row in service.cards.browse("")}
    calls = iter(["y", "n"])
    called: dict[int, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        quiz = await open_quiz(app, pilot, "t")
        for question in quiz.questions:
            typed = UNSURE.get(question.prompt, "no idea")
            if question.prompt in UNSURE:  # the premise: the grader is unsure of these
                assert service.quiz.grade(question, typed).outcome == "unsure"
            await pilot.press(*typed, "enter")
            await pilot.pause()
            if question.prompt not in UNSURE:
                assert quiz.decided and not quiz.score.answers[-1].correct
                await pilot.press("enter")
                await pilot.pause()
                continue
            index = quiz.index
            assert quiz.answered and not quiz.decided
            verdict = verdict_of(quiz)
            assert verdict.startswith("Your call") and "y: I had it" in verdict
            assert "y I had it" in keybar(app) and "n I missed it" in keybar(app)
            assert "o Overrule" not in keybar(app)  # nothing to overrule yet
            expected = quiz.query_one("#quiz-expected .text", Static)
            given = quiz.query_one("#quiz-given .text", Static)
            assert str(expected.render()) == question.answer and str(given.render()) == typed
            assert app.screen.region.contains_region(expected.region)  # side by side:
            assert given.region.y == expected.region.bottom  # the typed one right below
            await pilot.press("enter", "space", "o")  # none of them grades it
            await pilot.pause()
            assert quiz.index == index and not quiz.decided
            key = next(calls)
            await pilot.press(key)  # one key grades it and moves on
            await pilot.pause()
            assert quiz.index == index + 1
            assert quiz.score.answers[index].by == "you"
            called[question.card_id] = key
            assert "y I had it" not in keybar(app)
        assert quiz.finished and quiz.score.called == 2 and quiz.score.right == 1
        assert "2 your call" in screen_text(app)
    logs = dict(quiz_logs(fresh()))
    assert len(logs) == len(graded_deck().cards)
    for card_id, key in called.items():
        assert logs[card_id] == (Rating.GOOD if key == "y" else Rating.AGAIN)
    after = {row.id: (row.state, row.due, row.reps) for row in fresh().cards.browse("")}
    assert after == before  # the schedule untouched


async def test_an_answer_left_without_a_call_is_not_logged(app, service, fresh) -> None:
    service.imports.parsed(graded_deck())
    async with app.run_test(size=SIZE) as pilot:
        quiz = await open_quiz(app, pilot, "t")
        while quiz.questions[quiz.index].prompt not in UNSURE:
            await pilot.press(*"no idea", "enter", "enter")
            await pilot.pause()
        done = quiz.index
        await pilot.press(*UNSURE[quiz.questions[quiz.index].prompt], "enter")
        await pilot.pause()
        assert quiz.answered and not quiz.decided
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert len(quiz_logs(fresh())) == done  # the graded ones only


async def test_right_and_wrong_say_why_and_the_key_terms(app, service) -> None:
    service.imports.parsed(quiz_deck())
    async with app.run_test(size=SIZE) as pilot:
        quiz = await open_quiz(app, pilot, "t")
        seen = set()
        for question in quiz.questions:
            typed = TYPED.get(question.prompt, "no idea")
            grade = service.quiz.grade(question, typed)
            await pilot.press(*typed, "enter")
            await pilot.pause()
            verdict = verdict_of(quiz)
            word = {"right": "Right!", "wrong": "Missed."}[grade.outcome]
            assert verdict.startswith(f"{word} ({grade.reason})"), verdict
            feedback = quiz.query_one("#quiz-feedback")
            assert f"-{grade.outcome}" in feedback.classes
            terms = str(quiz.query_one("#quiz-terms .text", Static).render())
            given = len(grade.matched)
            if grade.missing:
                assert terms.startswith(f"{given or 'none'} of {len(grade.terms)} given")
            else:
                assert terms in ("1 of 1 given", f"all {given} given")
            seen.add(grade.outcome)
            assert "o Overrule" in keybar(app) and "y I had it" not in keybar(app)
            await pilot.press("enter")
            await pilot.pause()
        assert seen == {"right", "wrong"}


async def test_five_line_answers_show_whole_at_80x24(app, service) -> None:
    service.imports.parsed(graded_deck())
    typed = FIVE.replace("maximises", "maximizes").replace("standard normal", "N(0, I)")
    async with app.run_test(size=SIZE) as pilot:
        quiz = await open_quiz(app, pilot, "t")
        while quiz.questions[quiz.index].answer != FIVE:
            await pilot.press(*"no idea", "enter", "enter")
            await pilot.pause()
        quiz.query_one("#quiz-typed", Input).value = typed
        await pilot.press("enter")
        await pilot.pause()
        expected = quiz.query_one("#quiz-expected .text")
        given = quiz.query_one("#quiz-given .text")
        assert expected.region.height == given.region.height == 5  # the premise: five lines
        screen = app.screen.region
        body = quiz.query_one("#quiz-body")
        assert body.max_scroll_y == 0  # nothing to scroll
        for part in ("#quiz-prompt", "#quiz-verdict", "#quiz-expected", "#quiz-given",
                     "#quiz-terms", "KeyBar"):  # fmt: skip
            region = quiz.query_one(part).region
            assert region.height and screen.contains_region(region), part
        text = "".join(screen_text(app).split())
        assert "canbesampled." in text and "N(0,I)prior" in text  # the last lines show


async def test_card_text_is_shown_as_written_never_as_markup(app, service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        deck_id = service.decks()[0].id
        card = next(c for c in service.cards.browse("") if c.front == MARKUP_FRONT)
        for mode, keys in (("typed", [*"[bold]x[/] covers few modes", "enter"]), ("choice", [])):
            quiz = QuizScreen(deck_id, mode, n=20, seed=1)
            await app.push_screen(quiz)
            await settle(pilot)
            while quiz.questions[quiz.index].card_id != card.id:
                await pilot.press(*(["1"] if mode == "choice" else [*"pass", "enter"]), "enter")
                await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            text = "".join(screen_text(app).split())  # styled words lose their spaces there
            assert str(quiz.query_one("#quiz-prompt", Static).render()) == MARKUP_FRONT
            assert "".join(MARKUP_FRONT.split()) in text and "".join(MARKUP_BACK.split()) in text
            if mode == "typed":
                given = quiz.query_one("#quiz-given .text", Static).render()
                assert str(given) == "[bold]x[/] covers few modes" and "[bold]x[/]" in text
                expected = quiz.query_one("#quiz-expected .text", Static).render()
                assert str(expected) == MARKUP_BACK
            else:
                rows = quiz.query(".choice .text").results(Static)
                assert MARKUP_BACK in [str(row.render()) for row in rows]
            await pilot.press("escape")
            await pilot.pause()
