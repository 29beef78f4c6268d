# Sourced by the run scripts: start and stop a throwaway PostgreSQL.
# PostgreSQL refuses to run as root, so as root it runs as the `postgres`
# user (created by Debian's package) via runuser.

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

free_port() {
    .venv/bin/python - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

as_pg_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    local bindir port
    bindir=$(pg_bindir)
    PG_DIR=$(mktemp -d /tmp/caseworker-pg.XXXXXX)
    # Set the trap before anything can fail, so a half-started server is removed.
    trap stop_postgres EXIT
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_DIR"; fi
    chmod 700 "$PG_DIR"
    port=$(free_port)
    as_pg_user "$bindir/initdb" -A trust -U postgres -E UTF8 --locale=C.UTF-8 -D "$PG_DIR/data" >/dev/null
    as_pg_user "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -s \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start
    export CASEWORKER_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    echo "services: PostgreSQL on 127.0.0.1:$port" >&2
}

stop_postgres() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
        if [ -f "$PG_DIR/data/postmaster.pid" ]; then
            as_pg_user "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_DIR"
    fi
}
