"""Throughput with wrk: Haima and its peer loaded in turns, answers checked.

wrk (1 thread, 4 connections: two per sync worker, so neither waits for
work) sends requests that Python prepared, through bench/load.lua; it costs
the 2 cores little. The two sites take turns, round by round, so that load
from other processes on the machine falls on both alike.
"""

import json
import math
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).resolve().parent / "load.lua"
CONNECTIONS = 4
# Answers each server (by URL) has given wrk in this run: figure 6 reads
# the workers' memory after a number of requests.
served: Counter = Counter()


class Unmeasured(Exception):
    """A figure could not be measured (failed requests, a missing tool...)."""


@dataclass
class Requests:
    """The requests of one load: a few sent over and over (``cycle``), or a
    series (``series(i)`` makes the i-th, of ``length`` if it ends) each sent
    once."""

    cycle: list[bytes] = field(default_factory=list)
    series: Callable[[int], bytes] | None = None
    length: int | None = None
    sent: int = 0  # of the series

    def batch(self, count: int) -> tuple[list[bytes], str]:
        if self.series is None:
            return self.cycle, "cycle"
        if self.length is not None:
            count = min(count, self.length - self.sent)
        return [self.series(self.sent + i) for i in range(count)], "once"


@dataclass
class Load:
    """One site's side of a figure: what to send and the one answer expected."""

    site: str
    url: str
    requests: Requests
    expect: int = 200
    rate_guess: float = 1000.0  # per second, to size a series' batch
    rounds: list[tuple[int, float]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Requests per second over all its rounds."""
        return sum(r for r, _ in self.rounds) / sum(s for _, s in self.rounds)

    def round_rates(self) -> str:
        return ", ".join(f"{r / s:,.0f}" for r, s in self.rounds)


def wrk(load: Load, seconds: int) -> tuple[int, float]:
    """Load ``load.url`` for ``seconds``; return (answers, seconds taken)."""
    if shutil.which("wrk") is None:
        raise Unmeasured("wrk is not installed (make bench installs it)")
    best = max([load.rate_guess, *(r / s for r, s in load.rounds)])
    requests, mode = load.requests.batch(math.ceil(best * seconds * 2) + 200)
    with tempfile.NamedTemporaryFile(prefix="bench-wrk-", delete=False) as file:
        for request in requests:
            file.write(b"%d\n%s" % (len(request), request))
    try:
        done = subprocess.run(
            ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout=10s",
             f"-s{LUA}", load.url, "--", file.name, mode],
            capture_output=True, text=True, timeout=seconds + 60,
        )  # fmt: skip
    finally:
        os.unlink(file.name)
    line = next(
        (x for x in done.stdout.splitlines() if x.startswith("wrk-result ")), None
    )
    if line is None:
        raise Unmeasured(f"wrk failed: {done.stdout[-500:]} {done.stderr[-500:]}")
    result = json.loads(line.removeprefix("wrk-result "))
    load.requests.sent += result["sent"]
    if result["exhausted"]:
        raise Unmeasured(f"{load.site}: ran out of its {len(requests)} requests")
    wrong = {s: n for s, n in result["statuses"].items() if int(s) != load.expect}
    if wrong or result["socket_errors"]:
        raise Unmeasured(
            f"{load.site}: of {result['requests']} answers {wrong} were not the "
            f"expected {load.expect}; socket errors {result['socket_errors']}"
        )
    served[load.url] += result["requests"]
    return result["requests"], result["seconds"]


def alternate(*loads: Load, rounds: int = 4, seconds: int = 4, warmup: int = 1) -> None:
    """Warm every load up, then run ``rounds`` rounds each, taking turns; the
    order flips every round (AB BA AB BA) so that neither is more often first."""
    for load in loads:
        wrk(load, warmup)
    for number in range(rounds):
        for load in loads if number % 2 == 0 else reversed(loads):
            load.rounds.append(wrk(load, seconds))
