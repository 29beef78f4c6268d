#!/usr/bin/env bash
# Bring a fresh Debian machine to the point where the project runs:
# system packages (only when root and only what is missing), then .venv with
# the project installed in editable mode. Re-running is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

[ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/initdb" ] || need_pkgs+=(postgresql)
have_cmd gnome-keyring-daemon || need_pkgs+=(gnome-keyring)
have_cmd dbus-run-session || need_pkgs+=(dbus dbus-daemon)
# Qt's offscreen platform still loads these shared libraries.
for lib in libEGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libGL.so.1; do
    ldconfig -p 2>/dev/null | grep -q "$lib" || need_pkgs+=(libegl1 libxkbcommon0 libfontconfig1 libgl1 libdbus-1-3)
done

if [ ${#need_pkgs[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "bootstrap: installing Debian packages: ${need_pkgs[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
    else
        echo "bootstrap: missing Debian packages (${need_pkgs[*]}); run as root or: sudo apt-get install ${need_pkgs[*]}" >&2
        exit 1
    fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv" >&2
    "$PY" -m venv .venv
fi
stamp=.venv/.caseworker-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "bootstrap: installing the project into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    touch "$stamp"
fi
