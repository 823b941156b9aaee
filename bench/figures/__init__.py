"""The figures of `make bench`, one module each; each measures Haima and its
peer in the running bench (bench/run.py) and returns a row of the table."""

from dataclasses import dataclass, field

from _wrk import Load


@dataclass
class Row:
    figure: str
    peer: str
    peer_value: str
    haima_value: str
    ratio: str
    goal: str
    met: bool
    notes: list[str] = field(default_factory=list)


def throughput_row(
    figure: str, peer: str, haima: Load, baseline: Load, *, goal: float, unit: str
) -> Row:
    """A row comparing two loads' rates; the goal is Haima/peer >= ``goal``."""
    ratio = haima.rate / baseline.rate
    return Row(
        figure=figure,
        peer=peer,
        peer_value=f"{baseline.rate:,.0f} {unit}",
        haima_value=f"{haima.rate:,.0f} {unit}",
        ratio=f"{ratio:.2f}",
        goal=f"Haima/peer ≥ {goal:.2f}",
        met=ratio >= goal,
        notes=[
            f"rounds ({unit}): Haima {haima.round_rates()}; "
            f"peer {baseline.round_rates()}"
        ],
    )
