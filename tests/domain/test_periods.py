"""Period conversion by compounding."""

import pytest

from funnel_core.domain.periods import ConversionError, convert, convert_churn, convert_retention


@pytest.mark.parametrize(
    "rate, src, dst, expected",
    [
        (0.05, "month", "year", 1 - 0.95 ** 12),  # 46.0 %, not 60 %
        (0.0479, "month", "year", 1 - 0.9521 ** 12),
        (0.10, "year", "month", 1 - 0.9 ** (1 / 12)),
        (0.03, "month", "quarter", 1 - 0.97 ** 3),
        (0.0, "month", "year", 0.0),
        (1.0, "month", "year", 1.0),
    ],
)
def test_churn_compounds(rate, src, dst, expected):
    assert convert_churn(rate, src, dst) == pytest.approx(expected)


def test_round_trip_is_identity():
    assert convert_churn(convert_churn(0.07, "month", "year"), "year", "month") == pytest.approx(0.07)
    assert convert_retention(convert_retention(1.01, "month", "year"), "year", "month") == pytest.approx(1.01)


def test_retention_compounds():
    assert convert_retention(1.01, "month", "year") == pytest.approx(1.01 ** 12)


@pytest.mark.parametrize("rate", [-0.1, 1.2])
def test_churn_outside_0_1_cannot_be_converted(rate):
    with pytest.raises(ConversionError):
        convert_churn(rate, "month", "year")


def test_no_period_cannot_be_converted_and_says_so():
    with pytest.raises(ConversionError, match="no period"):
        convert(0.05, "churn", "month", "none")


def test_same_period_is_unchanged_without_note():
    assert convert(0.05, "churn", "month", "month") == (0.05, None)
