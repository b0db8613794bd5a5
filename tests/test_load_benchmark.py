"""The load benchmark's own logic, without running it: its options, the reading of locust's statistics, the
verdict on each target and the table (scripts/load_benchmark.py, scripts/load/report.py)."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_script(name, path):
    """Imports a script by its path; the folders it adds to ``sys.path`` are taken out again."""
    kept_path = list(sys.path)
    spec = importlib.util.spec_from_file_location(name, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = kept_path
    return module


report = load_script("load_report", "scripts/load/report.py")
benchmark = load_script("load_benchmark", "scripts/load_benchmark.py")

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def stats_file(tmp_path, *rows):
    path = tmp_path / "locust_stats.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def row(method, name, count, failures, median, p95, p99):
    """A line as locust writes it: counts, times, sizes and rates, then the percentiles from 50 % to 100 %."""
    percentiles = [median, 60, 70, 80, 90, p95, 200, p99, 950, 990, 1000]
    return ",".join(map(str, [method, name, count, failures, median, 40.1, 3, 900, 5000, 1.5, 0.0, *percentiles]))


def test_reads_each_kind_of_request_and_the_total(tmp_path):
    lines, total = report.read_stats(
        stats_file(
            tmp_path,
            row("GET", "dashboard", 120, 0, 35, 110, 180),
            row("POST", "take: conflict (409)", 2, 0, 20, 30, 30),
            row("", "Aggregated", 122, 0, 35, 120, 190),
        )
    )

    assert [(line.label, line.count, line.median, line.p95, line.p99) for line in lines] == [
        ("GET dashboard", 120, 35.0, 110.0, 180.0),
        ("POST take: conflict (409)", 2, 20.0, 30.0, 30.0),
    ]
    assert (total.label, total.count, total.failures, total.p95) == ("Aggregated", 122, 0, 120.0)


def test_a_kind_of_request_without_answer_has_no_figures(tmp_path):
    na = "GET,ticket page,0,3,0,0,0,0,0,0.0,0.1," + ",".join(["N/A"] * 11)
    lines, _total = report.read_stats(stats_file(tmp_path, na, row("", "Aggregated", 3, 3, 0, 0, 0)))

    assert (lines[0].failures, lines[0].median, lines[0].p95) == (3, None, None)


def test_statistics_without_a_total_mean_the_run_did_not_finish(tmp_path):
    with pytest.raises(ValueError, match="did not finish"):
        report.read_stats(stats_file(tmp_path, row("GET", "dashboard", 1, 0, 1, 1, 1)))


def delivered(**changes):
    return report.MailCounts(**({"written": 40, "sent": 40, "pending": 0, "failed": 0, "received": 40} | changes))


def total(count=500, failures=0, p95=120.0):
    return report.RequestStats("", "Aggregated", count, failures, 30.0, p95, 250.0)


def test_every_target_met():
    assert [check.met for check in report.verdicts(total(), delivered())] == [True, True, True]


@pytest.mark.parametrize(
    ("stats", "mails", "missed"),
    [
        (total(failures=1), delivered(), "no failed request"),
        (total(count=0), delivered(), "no failed request"),
        (total(p95=300.0), delivered(), "p95 under 300 ms"),
        (total(p95=None), delivered(), "p95 under 300 ms"),
        (total(), delivered(sent=39, pending=1), "every mail delivered"),
        (total(), delivered(sent=39, failed=1), "every mail delivered"),
        (total(), delivered(received=39), "every mail delivered"),
        (total(), delivered(received=41), "every mail delivered"),
    ],
)
def test_a_missed_target_is_named(stats, mails, missed):
    assert [check.target for check in report.verdicts(stats, mails) if not check.met] == [missed]


def test_the_table_shows_each_request_the_total_the_mail_and_the_targets():
    lines = [
        report.RequestStats("GET", "ticket page", 50, 0, 28.0, 90.0, 150.0),
        report.RequestStats("GET", "dashboard", 120, 1, 35.0, 110.0, 180.0),
    ]
    stats = total(count=170, failures=1)
    mails = delivered(sent=38, pending=2, received=38)

    table = report.format_report(lines, stats, mails, report.verdicts(stats, mails), ["1 × GET dashboard: 502"])

    rows = table.splitlines()
    assert rows[0].split() == ["request", "count", "failed", "median", "ms", "p95", "ms", "p99", "ms"]
    # The busiest kind of request first, the total last.
    assert rows[2].split() == ["GET", "dashboard", "120", "1", "35", "110", "180"]
    assert rows[3].split() == ["GET", "ticket", "page", "50", "0", "28", "90", "150"]
    assert rows[5].split() == ["Aggregated", "170", "1", "30", "120", "250"]
    assert "  1 × GET dashboard: 502" in rows
    assert "mails: 40 written, 38 sent, 2 pending, 0 failed; 38 received by the SMTP sink" in rows
    assert "[MISSED] no failed request: 1 of 170" in rows
    assert "[met] p95 under 300 ms: 120 ms" in rows
    assert "[MISSED] every mail delivered: 38 sent of 40 written, 38 received" in rows


def test_options_default_to_the_full_scenario(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    arguments = benchmark.parse_arguments([])

    assert (arguments.tickets, arguments.users, arguments.spawn_rate, arguments.duration) == (100_000, 200, 1, "5m")
    assert (arguments.seconds, arguments.max_requests, arguments.database) == (300, 60_000, "assistance_load")


@pytest.mark.parametrize(("duration", "seconds"), [("30s", 30), ("5m", 300), ("1h30m", 5400), ("2m10s", 130)])
def test_durations_as_locust_reads_them(duration, seconds):
    assert benchmark.parse_arguments(["--duration", duration]).seconds == seconds


@pytest.mark.parametrize(
    "options",
    [
        ["--duration", "5"],
        ["--duration", "0s"],
        ["--duration", "soon"],
        ["--users", "1"],
        ["--spawn-rate", "0"],
        ["--database", "load; DROP DATABASE postgres"],
        ["--redis-url", "redis://10.0.0.5:6379/14"],
    ],
)
def test_options_that_cannot_be_run_are_refused(options, capsys):
    with pytest.raises(SystemExit) as stopped:
        benchmark.parse_arguments(options)

    assert stopped.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_only_servers_on_the_loopback(monkeypatch):
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://postgres@db.example.org:5432/postgres")
    with pytest.raises(SystemExit):
        benchmark.parse_arguments([])
    assert benchmark.is_loopback("127.0.0.1") and benchmark.is_loopback("::1") and benchmark.is_loopback("localhost")
