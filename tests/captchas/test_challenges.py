"""The letters challenge draws nothing people confuse with something else."""

from haima.captchas.challenges import LETTERS, letters

LOOK_ALIKES = "S5Z2B8UVG6O0QI1L"


def test_no_look_alike_characters_are_drawn():
    assert not set(LOOK_ALIKES) & set(LETTERS)
    for _ in range(300):
        text, answer = letters()
        assert not set(LOOK_ALIKES) & set(text)
        assert answer == text.lower()


def test_enough_characters_are_left():
    assert len(set(LETTERS)) >= 20
