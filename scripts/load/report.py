"""The load benchmark's figures: locust's statistics (its ``--csv`` file) and the outbox's counts, as a table
and a verdict on each target.

Neither Django nor locust is imported here: the functions take a file and numbers, and can be tested alone.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

TARGET_P95_MS = 300
TOTAL_NAME = "Aggregated"


@dataclass(frozen=True)
class RequestStats:
    """One line of locust's statistics: a kind of request, or the total of all of them."""

    method: str
    name: str
    count: int
    failures: int
    median: float | None
    p95: float | None
    p99: float | None

    @property
    def label(self):
        return f"{self.method} {self.name}".strip()


@dataclass(frozen=True)
class MailCounts:
    """The outbox once the worker has drained it, and what the SMTP sink received."""

    written: int
    sent: int
    pending: int
    failed: int
    received: int

    @property
    def all_delivered(self):
        """Every row written was sent, once: none left, none failed, as many mails as rows reached the sink."""
        return self.pending == 0 and self.failed == 0 and self.sent == self.written == self.received


@dataclass(frozen=True)
class Verdict:
    target: str
    met: bool
    measured: str


def read_stats(path):
    """Reads locust's ``<prefix>_stats.csv``; returns (the lines per kind of request, the total line).

    Raises ``ValueError`` when the file has no total line (locust did not finish its run).
    """
    lines, total = [], None
    with Path(path).open(newline="", encoding="utf-8") as stats_file:
        for row in csv.DictReader(stats_file):
            stats = RequestStats(
                method=row["Type"],
                name=row["Name"],
                count=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                median=_milliseconds(row["50%"]),
                p95=_milliseconds(row["95%"]),
                p99=_milliseconds(row["99%"]),
            )
            if stats.name == TOTAL_NAME and not stats.method:
                total = stats
            else:
                lines.append(stats)
    if total is None:
        raise ValueError(f"{path} has no '{TOTAL_NAME}' line: the load run did not finish.")
    return lines, total


def read_failures(path):
    """Reads locust's ``<prefix>_failures.csv``: one line per kind of failure, as text; none if there is no file."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as failures_file:
        return [
            f"{row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}"
            for row in csv.DictReader(failures_file)
        ]


def _milliseconds(value):
    try:
        return float(value)
    except ValueError:  # "N/A" for a kind of request that got no answer
        return None


def verdicts(total, mails, *, target_p95_ms=TARGET_P95_MS):
    """Whether each target is met: no failed request (and at least one request), the 95th percentile of all
    requests under the target, every mail delivered."""
    p95 = _shown(total.p95)
    return [
        Verdict("no failed request", total.count > 0 and total.failures == 0, f"{total.failures} of {total.count}"),
        Verdict(
            f"p95 under {target_p95_ms} ms",
            total.p95 is not None and total.p95 < target_p95_ms,
            f"{p95} ms",
        ),
        Verdict(
            "every mail delivered",
            mails.all_delivered,
            f"{mails.sent} sent of {mails.written} written, {mails.received} received",
        ),
    ]


def _shown(value):
    return "-" if value is None else f"{value:.0f}"


def format_report(lines, total, mails, checks, failures=()):
    """The table printed at the end of a run: requests, totals, the failures if any, mail, targets."""
    width = max([len(line.label) for line in [*lines, total]] + [len("request")])
    header = f"{'request':<{width}} {'count':>7} {'failed':>7} {'median ms':>10} {'p95 ms':>7} {'p99 ms':>7}"
    out = [header, "-" * len(header)]
    for line in [*sorted(lines, key=lambda line: (-line.count, line.label)), None, total]:
        if line is None:
            out.append("-" * len(header))
            continue
        out.append(
            f"{line.label:<{width}} {line.count:>7} {line.failures:>7} {_shown(line.median):>10}"
            f" {_shown(line.p95):>7} {_shown(line.p99):>7}"
        )
    if failures:
        out += ["", "failures:", *(f"  {failure}" for failure in failures)]
    out += [
        "",
        f"mails: {mails.written} written, {mails.sent} sent, {mails.pending} pending, {mails.failed} failed;"
        f" {mails.received} received by the SMTP sink",
        "",
    ]
    out += [f"[{'met' if check.met else 'MISSED'}] {check.target}: {check.measured}" for check in checks]
    return "\n".join(out)
