# Sourced by scripts/demo and scripts/test: finds Python 3.12+, installs what the
# machine lacks and leaves an up-to-date virtual environment in .venv.
# Set ASSISTANCE_PYTHON to an interpreter to skip the search.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mError: %s\033[0m\n' "$*" >&2; exit 1; }

python_is_suitable() {
    "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

find_python() {
    local candidate version
    if [ -n "${ASSISTANCE_PYTHON:-}" ]; then
        python_is_suitable "$ASSISTANCE_PYTHON" && { echo "$ASSISTANCE_PYTHON"; return; }
        die "ASSISTANCE_PYTHON=$ASSISTANCE_PYTHON is not a Python 3.12 or newer with venv."
    fi
    for candidate in python3.14 python3.13 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && python_is_suitable "$(command -v "$candidate")"; then
            command -v "$candidate"; return
        fi
    done
    # pyenv keeps its interpreters out of PATH until selected.
    if command -v pyenv >/dev/null 2>&1; then
        for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])(\.[0-9]+)?$' | sort -rV); do
            candidate="$(pyenv root)/versions/$version/bin/python3"
            python_is_suitable "$candidate" && { echo "$candidate"; return; }
        done
    fi
    return 1
}

apt_install() {
    # Installs Debian packages when possible, otherwise says what to run.
    local packages=("$@")
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Installing system packages: ${packages[*]}"
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null 2>&1; then
            apt-get update -qq >/dev/null 2>&1 || true
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null \
                || die "could not install ${packages[*]}; install them and run this command again."
        fi
    else
        die "missing system packages. Run: sudo apt-get install ${packages[*]}  (then run this command again)"
    fi
}

ensure_venv() {
    local python stamp wanted
    if [ ! -x "$VENV/bin/python" ] || ! python_is_suitable "$VENV/bin/python"; then
        python="$(find_python)" || die "Python 3.12 or newer is required and none was found.
Install one (Debian/Ubuntu: sudo apt-get install python3.12 python3.12-venv; or pyenv install 3.12)
or point ASSISTANCE_PYTHON to it, then run this command again."
        say "Creating .venv with $python ($("$python" --version))"
        rm -rf "$VENV"
        "$python" -m venv "$VENV" || die "could not create a virtual environment with $python (Debian: apt-get install python3-venv)."
    fi
    # psycopg2 builds against libpq: its headers and pg_config must be there.
    command -v pg_config >/dev/null 2>&1 || apt_install libpq-dev
    stamp="$VENV/.requirements.sha256"
    wanted="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        say "Installing Python packages into .venv"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt \
            || die "pip could not install the requirements (see above)."
        echo "$wanted" > "$stamp"
    fi
}

ensure_chromium() {
    local path
    for path in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
        [ -n "$path" ] && [ -x "$path" ] && { export CHROMIUM_PATH="$path"; return; }
    done
    apt_install chromium
    export CHROMIUM_PATH=/usr/bin/chromium
}

ensure_dovecot() {
    # The mail-in tests start a Dovecot IMAP server of their own (tests/mailin_support.py); the
    # package's system service is not used.
    [ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || apt_install dovecot-imapd
}

ensure_gettext() {
    command -v msgfmt >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1 || apt_install gettext
}

ensure_cas_venv() {
    # The demo CAS server (django-cas-server, cas_server/) supports Django below 5.3 only, while the
    # portal runs on Django 6: it gets a virtual environment of its own, .venv-cas.
    local cas_venv="$ROOT/.venv-cas" python stamp wanted
    if [ ! -x "$cas_venv/bin/python" ] || ! python_is_suitable "$cas_venv/bin/python"; then
        python="$(find_python)" || die "Python 3.12 or newer is required for the demo CAS server and none was found."
        # The portal's .venv comes first in PATH: build on the interpreter beneath it, not on it.
        python="$("$python" -c 'import sys; print(getattr(sys, "_base_executable", sys.executable))')"
        say "Creating .venv-cas (the demo CAS server) with $python ($("$python" --version))"
        rm -rf "$cas_venv"
        "$python" -m venv "$cas_venv" || die "could not create a virtual environment with $python (Debian: apt-get install python3-venv)."
    fi
    # Keeps the environment out of Git and of ruff, whatever the Python that made it.
    [ -f "$cas_venv/.gitignore" ] || echo '*' > "$cas_venv/.gitignore"
    stamp="$cas_venv/.requirements.sha256"
    wanted="$(sha256sum < cas_server/requirements.txt | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        say "Installing the demo CAS server's packages into .venv-cas"
        "$cas_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r cas_server/requirements.txt \
            || die "pip could not install the demo CAS server's requirements (see above)."
        echo "$wanted" > "$stamp"
    fi
}

ensure_venv
export PATH="$VENV/bin:$PATH"
