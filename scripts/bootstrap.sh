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
# The real window under a virtual display (tests/ui/test_real_window.py, and
# `xvfb-run -a make demo`); pdftotext reads exported PDFs back in the tests.
have_cmd Xvfb || need_pkgs+=(xvfb)
have_cmd xauth || need_pkgs+=(xauth)
have_cmd pdftotext || need_pkgs+=(poppler-utils)
# The web console's browser tests (tests/console): Debian's browser and its
# driver, so Selenium never downloads either.
have_cmd chromium || need_pkgs+=(chromium)
have_cmd chromedriver || need_pkgs+=(chromium-driver)
# Shared libraries Qt loads, by soname and the Debian package that has it:
# the offscreen platform's first, then what the xcb platform (a real X
# display, as under Xvfb) adds. From `ldd` on PySide6's libqxcb.so and
# libQt6XcbQpa.so.6; the check after the install below says if a newer
# PySide6 wants more.
qt_libs=(
    libEGL.so.1:libegl1 libGL.so.1:libgl1 libxkbcommon.so.0:libxkbcommon0
    libfontconfig.so.1:libfontconfig1 libdbus-1.so.3:libdbus-1-3
    libX11.so.6:libx11-6 libX11-xcb.so.1:libx11-xcb1 libxcb.so.1:libxcb1
    libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4
    libxcb-image.so.0:libxcb-image0 libxcb-keysyms.so.1:libxcb-keysyms1
    libxcb-randr.so.0:libxcb-randr0 libxcb-render.so.0:libxcb-render0
    libxcb-render-util.so.0:libxcb-render-util0 libxcb-shape.so.0:libxcb-shape0
    libxcb-shm.so.0:libxcb-shm0 libxcb-sync.so.1:libxcb-sync1
    libxcb-util.so.1:libxcb-util1 libxcb-xfixes.so.0:libxcb-xfixes0
    libxcb-xkb.so.1:libxcb-xkb1 libxkbcommon-x11.so.0:libxkbcommon-x11-0
)
have_libs=$(ldconfig -p 2>/dev/null || true)
for pair in "${qt_libs[@]}"; do
    grep -q "^[[:space:]]*${pair%%:*} " <<<"$have_libs" || need_pkgs+=("${pair##*:}")
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

# Say so if Qt's xcb platform still cannot load (a PySide6 that needs a library
# not in qt_libs above): the window would abort at start on a real display.
xcb=$(ls .venv/lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so 2>/dev/null | head -n 1)
if [ -n "$xcb" ]; then
    qt_lib_dir=$(dirname "$xcb")/../../lib
    missing=$(LD_LIBRARY_PATH="$qt_lib_dir" ldd "$xcb" "$qt_lib_dir"/libQt6XcbQpa.so.6 2>/dev/null \
        | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')
    if [ -n "$missing" ]; then
        echo "bootstrap: Qt's xcb platform lacks: $missing(add their Debian packages to qt_libs in scripts/bootstrap.sh)" >&2
    fi
fi
