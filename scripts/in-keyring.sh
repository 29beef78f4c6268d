#!/usr/bin/env bash
# Run a command with a real Secret Service: must be started inside
# `dbus-run-session`. gnome-keyring is unlocked with a throwaway password so
# the `keyring` library picks the Secret Service backend by itself.
set -euo pipefail
# A throwaway keyring directory, removed afterwards with everything the
# tests stored in it.
XDG_DATA_HOME=$(mktemp -d /tmp/caseworker-xdg.XXXXXX)
export XDG_DATA_HOME
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
mkdir -p "$XDG_DATA_HOME/keyrings"
pw=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
eval "$(printf '%s' "$pw" | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
# The daemon answers on D-Bus once it has claimed its name.
for _ in $(seq 1 50); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; then
        break
    fi
    sleep 0.1
done
set +e
"$@"
rc=$?
exit "$rc"
