"""Load benchmark: simulated people on the production set-up, with locust, on this machine's loopback only.

Usage (from the project folder, PostgreSQL and Redis reachable on 127.0.0.1):
    .venv/bin/python scripts/load_benchmark.py [--tickets 100000] [--users 200] [--spawn-rate 1]
        [--duration 5m] [--redis-url redis://127.0.0.1:6379/14] [--keep]

It creates its own database (``assistance_load`` on the server of BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/postgres), migrates it, loads the demo's services and the synthetic tickets,
creates one local account per simulated person (70 % owners, 30 % managers spread over the services), then
starts on 127.0.0.1: an SMTP sink (aiosmtpd), gunicorn with 2 workers and a Celery worker, all in the
production profile, and runs locust headless for the given duration (scripts/load/locustfile.py). It then
waits for the outbox to drain, stops everything and prints, per kind of request, the count, the failures, the
median, the 95th and the 99th percentiles, then the mail counts and whether each target is met: no failed
request, a 95th percentile under 300 ms, every mail delivered. The exit status is 1 when a target is missed.

The database, the Redis database (which must be empty at the start) and the uploaded files are removed at the
end unless --keep is given; locust's CSV files and the processes' logs stay in var/load-benchmark/.
locust and aiosmtpd come from requirements-bench.txt, installed into this interpreter's environment when
missing (only when nothing already installed would change).
"""

import argparse
import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from benchdb import database_server  # noqa: E402 (the paths above first)
from load import processes, report, tools  # noqa: E402

LOCUSTFILE = ROOT / "scripts" / "load" / "locustfile.py"
HOST_HEADER = "assistance.localhost"  # the name the portal answers to behind its (simulated) proxy
OWNER_SHARE = 0.7
DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000, help="synthetic tickets to load (100000)")
    parser.add_argument("--users", type=int, default=200, help="simulated people (200)")
    parser.add_argument("--spawn-rate", type=float, default=1, help="people started per second (1)")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads of each gunicorn worker, as README advises (4; 1: synchronous)"
    )
    parser.add_argument("--duration", default="5m", help="how long locust runs: 30s, 5m, 1h… (5m)")
    parser.add_argument("--max-requests", type=int, help="stop the run after this many requests (users × seconds)")
    parser.add_argument("--database", default="assistance_load", help="database to create (assistance_load)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14", help="an empty Redis database")
    parser.add_argument("--drain-timeout", type=int, default=120, help="seconds to wait for the outbox (120)")
    parser.add_argument("--keep", action="store_true", help="keep the database, Redis's keys and the files")
    parser.add_argument("--locustfile", default=str(LOCUSTFILE), help="another scenario on the same set-up")
    arguments = parser.parse_args(argv)
    match = DURATION.fullmatch(arguments.duration)
    seconds = match and sum(int(part or 0) * unit for part, unit in zip(match.groups(), (3600, 60, 1), strict=True))
    if not seconds:
        parser.error("--duration takes a duration such as 30s, 5m or 1h30m.")
    if arguments.users < 2 or arguments.spawn_rate <= 0 or arguments.tickets < 0 or arguments.threads < 1:
        parser.error("--users must be 2 or more, --spawn-rate above 0, --tickets 0 or more, --threads 1 or more.")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", arguments.database):
        parser.error("--database takes a lower-case name of letters, digits and underscores.")
    for url in (arguments.redis_url, database_server()):
        if not is_loopback(urlparse(url).hostname):
            parser.error(f"{url}: the benchmark only talks to servers on this machine's loopback.")
    arguments.seconds = seconds
    # A bound far above what the people's pauses allow (one request a second each): a safety net, not a target.
    arguments.max_requests = arguments.max_requests or arguments.users * seconds
    return arguments


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


class Run:
    """One run of the benchmark: its folders, its database, its processes, and what cleaning up needs."""

    def __init__(self, arguments):
        self.arguments = arguments
        self.folder = ROOT / "var" / "load-benchmark" / datetime.now().strftime("%Y%m%d-%H%M%S")
        self.var_dir = self.folder / "var"
        self.var_dir.mkdir(parents=True)
        self.database_url = urlparse(database_server())._replace(path=f"/{arguments.database}").geturl()
        self.password = secrets.token_urlsafe(16)
        self.children = {}
        self.database_created = self.redis_owned = False

    def execute(self):
        """Sets up, runs locust, reports. Returns the exit status (1 when a target is missed).

        Raises ``processes.StartFailed`` when a process does not come up or locust does not finish, and
        ``SystemExit`` when the Redis database holds keys.
        """
        arguments = self.arguments
        print(tools.machine_summary())
        self.take_redis_database()
        self.create_database()
        accounts = self.populate()
        ports = self.start_services()
        self.run_locust(ports["web"])
        mails = self.drain_and_stop()
        lines, total = report.read_stats(self.folder / "locust_stats.csv")
        checks = report.verdicts(total, mails)
        print()
        print(
            f"{arguments.users} people ({len(accounts['owners'])} owners, {len(accounts['managers'])} managers)"
            f" for {arguments.duration}, {arguments.tickets} tickets, gunicorn 2 workers × {arguments.threads} threads,"
            " 1 Celery worker"
        )
        failures = report.read_failures(self.folder / "locust_failures.csv")
        print(report.format_report(lines, total, mails, checks, failures))
        print(f"\nlocust's CSV files and the logs: {self.folder}")
        return 0 if all(check.met for check in checks) else 1

    def take_redis_database(self):
        """Makes the Redis database this run's, to empty at the end; raises ``SystemExit`` when it holds keys."""
        import redis

        client = redis.Redis.from_url(self.arguments.redis_url)
        keys = client.dbsize()
        client.close()
        if keys:
            raise SystemExit(
                f"{self.arguments.redis_url} holds {keys} keys: it may be someone else's. "
                "Name an empty Redis database with --redis-url."
            )
        self.redis_owned = True

    def on_server(self, *statements):
        """Runs ``statements`` on the database server, outside any transaction (CREATE/DROP DATABASE)."""
        import psycopg2

        connection = psycopg2.connect(database_server())
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def create_database(self):
        name = self.arguments.database
        self.on_server(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        self.database_created = True

    def populate(self):
        """Loads the data in this process (the demo profile's loaders, DEBUG off); returns the accounts."""
        os.environ.update(
            DJANGO_SETTINGS_MODULE="helpdesk.settings",
            DJANGO_PROFILE="demo",
            DJANGO_DEBUG="false",  # DEBUG would keep every query in memory
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL="",
            ASSISTANCE_VAR_DIR=str(self.var_dir),
        )
        import django

        django.setup()
        from load import population

        owners = round(self.arguments.users * OWNER_SHARE)
        accounts = population.prepare(
            tickets=self.arguments.tickets,
            owners=owners,
            managers=self.arguments.users - owners,
            password=self.password,
        )
        (self.folder / "accounts.json").write_text(json.dumps(accounts), encoding="utf-8")
        return accounts

    def production_environment(self, smtp_port):
        """The portal's settings in its production profile, on this run's database, broker and sink."""
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "ASSISTANCE_", "CELERY_", "DATABASE_"))
        }
        return inherited | {
            "DJANGO_PROFILE": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST_HEADER,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.arguments.redis_url,
            "ASSISTANCE_SMTP_HOST": "127.0.0.1",
            "ASSISTANCE_SMTP_PORT": str(smtp_port),
            "ASSISTANCE_SMTP_SECURITY": "none",
            # One proxy in front: each person is counted by the address it appends (X-Forwarded-For).
            "ASSISTANCE_TRUSTED_PROXIES": "1",
            "ASSISTANCE_SITE_URL": f"https://{HOST_HEADER}",
            "ASSISTANCE_VAR_DIR": str(self.var_dir),
            "ASSISTANCE_LOG_LEVEL": "WARNING",
        }

    def start(self, name, argv, env):
        child = processes.Child(name, argv, env=env, cwd=ROOT, log_path=self.folder / f"{name}.log")
        self.children[name] = child
        return child

    def start_services(self):
        """The SMTP sink, the Celery worker and gunicorn, on 127.0.0.1; returns their ports."""
        ports = {"smtp": processes.free_port(), "web": processes.free_port()}
        env = self.production_environment(ports["smtp"])
        python = sys.executable
        subprocess.run(  # noqa: S603
            [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env=env, cwd=ROOT, check=True
        )
        count_file = str(self.folder / "smtp-sink.json")
        sink = self.start("smtp-sink", [python, "scripts/load/smtp_sink.py", str(ports["smtp"]), count_file], env)
        processes.wait_for_port(sink, ports["smtp"])
        worker_argv = ["-m", "celery", "-A", "helpdesk", "worker", "--loglevel", "WARNING", "--concurrency", "2"]
        worker = self.start("celery-worker", [python, *worker_argv, "--hostname", "load-benchmark@%h"], env)
        web_argv = ["-m", "gunicorn", "helpdesk.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{ports['web']}"]
        if self.arguments.threads > 1:
            # Threads let a worker serve another request while one waits on PostgreSQL.
            web_argv += ["--worker-class", "gthread", "--threads", str(self.arguments.threads)]
        # No control socket: the benchmark needs none, and its default path is shared by every gunicorn of the user.
        web = self.start("gunicorn", [python, *web_argv, "--error-logfile", "-", "--no-control-socket"], env)
        site = f"http://127.0.0.1:{ports['web']}"
        processes.wait_for_health(web, f"{site}/sante/", {"Host": HOST_HEADER})
        if not worker.running:
            raise processes.StartFailed(worker, "stopped while starting")
        # A portal in service has its code loaded and its templates compiled: the first requests of each worker
        # would measure the start, not the load.
        for _ in range(6):
            processes.answers(f"{site}/comptes/login/", {"Host": HOST_HEADER, "X-Forwarded-Proto": "https"})
        print(f"portal on 127.0.0.1:{ports['web']}, SMTP sink on 127.0.0.1:{ports['smtp']}")
        return ports

    def run_locust(self, web_port):
        """Runs locust headless until its duration is over (or the request bound is reached)."""
        arguments = self.arguments
        env = os.environ | {
            "LOAD_ACCOUNTS": str(self.folder / "accounts.json"),
            "LOAD_PASSWORD": self.password,
            "LOAD_HOST_HEADER": HOST_HEADER,
            "LOAD_MAX_REQUESTS": str(arguments.max_requests),
        }
        argv = [sys.executable, "-m", "locust", "-f", arguments.locustfile, "--headless"]
        argv += ["-u", str(arguments.users), "-r", str(arguments.spawn_rate), "-t", arguments.duration]
        argv += ["--host", f"http://127.0.0.1:{web_port}", "--csv", str(self.folder / "locust"), "--only-summary"]
        print(f"locust: {arguments.users} people for {arguments.duration} (at most {arguments.max_requests} requests)")
        locust = self.start("locust", argv, env)
        # Its own duration, the time to start everyone, and a margin to write its files.
        limit = arguments.seconds + arguments.users / arguments.spawn_rate + 120
        try:
            locust.process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            locust.stop()
            raise processes.StartFailed(locust, f"was still running after {limit:.0f} s") from None
        if not (self.folder / "locust_stats.csv").exists():
            raise processes.StartFailed(locust, "ended without writing its statistics")

    def drain_and_stop(self):
        """Waits for the outbox to drain, stops the portal, the worker and the sink; returns the mail counts."""
        from load import population

        print("waiting for the outbox to drain…")
        population.wait_for_outbox(self.arguments.drain_timeout)
        for name in ("gunicorn", "celery-worker", "smtp-sink"):
            self.children[name].stop()
        written, sent, pending, failed = population.mail_counts()
        received = json.loads((self.folder / "smtp-sink.json").read_text(encoding="utf-8"))["mails"]
        return report.MailCounts(written=written, sent=sent, pending=pending, failed=failed, received=received)

    def clean_up(self):
        """Stops whatever still runs, then removes the database, Redis's keys and the files, unless --keep."""
        for child in reversed(list(self.children.values())):
            child.stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if self.arguments.keep:
            print(f"kept: database {self.arguments.database}, {self.arguments.redis_url}, {self.var_dir}")
            return
        if self.database_created:
            self.on_server(f"DROP DATABASE IF EXISTS {self.arguments.database} WITH (FORCE)")
        if self.redis_owned:
            import redis

            client = redis.Redis.from_url(self.arguments.redis_url)
            client.flushdb()
            client.close()
        shutil.rmtree(self.var_dir, ignore_errors=True)


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main():
    arguments = parse_arguments()
    tools.ensure_installed(ROOT / "requirements-bench.txt")
    # Ctrl+C even when started from a shell that ignores it in background jobs; SIGTERM and SIGHUP alike.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    run = Run(arguments)
    status = 1
    try:
        status = run.execute()
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything")
        status = 130
    except processes.StartFailed as failure:
        print(f"\n{failure}")
    finally:
        # A second Ctrl+C must not leave half of it running: the children end with this process anyway.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        started = time.monotonic()
        run.clean_up()
        print(f"cleaned up in {time.monotonic() - started:.0f} s")
    sys.exit(status)


if __name__ == "__main__":
    main()
