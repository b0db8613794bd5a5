"""What the load benchmark needs besides the portal: its tools (requirements-bench.txt) and a word on the machine."""

import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys

TOOLS = ("locust", "aiosmtpd")


def ensure_installed(requirements):
    """Installs ``requirements`` into this interpreter's environment when a tool is missing, provided that no
    package already installed would change (the tests' environment stays as it is).

    Exits with the command to run when it cannot do so itself.
    """
    if all(importlib.util.find_spec(tool) for tool in TOOLS):
        return
    command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-r", str(requirements)]
    changed = _would_change(command)
    if changed is None or changed:
        what = ", ".join(changed) if changed else "pip could not tell what it would install"
        raise SystemExit(
            f"The benchmark's tools are missing and installing them here would change installed packages ({what})."
            f"\nInstall them where you see fit, for instance:\n  {' '.join(command)}"
        )
    print(f"Installing the benchmark's tools: {' '.join(command)}")
    if subprocess.run([*command, "--quiet"], check=False).returncode != 0:  # noqa: S603
        raise SystemExit(f"pip could not install them. Command:\n  {' '.join(command)}")


def _would_change(command):
    """The installed packages that ``command`` would upgrade or downgrade, or None when pip cannot tell."""
    dry_run = subprocess.run(  # noqa: S603
        [*command, "--dry-run", "--quiet", "--report", "-"], capture_output=True, text=True, check=False
    )
    try:
        planned = json.loads(dry_run.stdout)["install"]
    except (ValueError, KeyError):
        return None
    changed = []
    for item in planned:
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if installed != version:
            changed.append(f"{name} {installed} → {version}")
    return changed


def machine_summary():
    """'machine: N cores, <CPU model>, <RAM> GiB', from /proc (Linux); what it cannot read is left out."""
    parts = [f"{len(os.sched_getaffinity(0))} cores"]
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kilobytes = int(next(line.split()[1] for line in meminfo if line.startswith("MemTotal")))
    except (OSError, StopIteration, ValueError):
        return "machine: " + parts[0]
    if model:
        parts.append(model)
    parts.append(f"{kilobytes / 1024 / 1024:.1f} GiB RAM")
    return "machine: " + ", ".join(parts)
