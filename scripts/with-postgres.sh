#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server on loopback, stopped when the command ends.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]   (sets SMARTTVET_DATABASE_URL for the command)
set -euo pipefail
bindir=$(pg_config --bindir 2>/dev/null || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  for candidate in /usr/lib/postgresql/*/bin; do [ -x "$candidate/initdb" ] && bindir=$candidate; done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: no PostgreSQL server binaries (initdb) found; install the postgresql package" >&2
  exit 2
fi
port=${PGTEST_PORT:-$(( 55000 + RANDOM % 5000 ))}
dir=$(mktemp -d /tmp/smarttvet-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export SMARTTVET_DATABASE_URL="postgres://postgres@127.0.0.1:$port/smarttvet"
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres smarttvet
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
