"""What the audit trail keeps of a typed login: recognisable, never whole."""

import pytest

from haima.audit.masking import mask_typed


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("+8613800138000", "138****8000"),
        ("13800138000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("138****8000", "138****8000"),  # SmsSend's, already masked
        ("ming@example.cn", "m***@example.cn"),
        ("a@x.cn", "a***@x.cn"),
        ("@x.cn", "***@x.cn"),
        ("xiaoming", "x***g"),
        ("小明", "小***"),
        ("欧阳小明", "欧***明"),
        ("fresh-Mango-42", "f***2"),  # a password typed in the login box
        ("", ""),
        ("   ", ""),
    ],
)
def test_masked(typed, kept):
    assert mask_typed(typed) == kept
