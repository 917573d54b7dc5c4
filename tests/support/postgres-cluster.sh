#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests: a Unix socket in its own folder, no TCP, trust login.
#
#   postgres-cluster.sh start DIR   prints the libpq URL of the cluster's `postgres` database
#   postgres-cluster.sh stop DIR    stops the cluster (fast) and removes DIR
#   postgres-cluster.sh halt DIR    stops the server at once, as a crash or a lost machine would
#                                   (immediate mode), keeping its data
#   postgres-cluster.sh resume DIR  starts a halted server again on the same data and socket
#
# DIR holds everything: the data (DIR/data), the server's log (DIR/server.log) and the socket
# (DIR/.s.PGSQL.PORT). Keep DIR short and plain -- an absolute path of letters, digits and / . _ -
# within 80 characters -- because a Unix socket's path is limited to about 100 bytes; e.g.
# /tmp/soundings-pg-$$. Start removes a stale cluster left in DIR (one this script made; it refuses
# to touch a folder it did not make). Both commands are idempotent and read no input.
#
# Run as root, the cluster runs as the unprivileged user `postgres` (a PostgreSQL server refuses to
# run as root): DIR is made theirs, so its parent folders must be searchable by `postgres` (/tmp is;
# a folder from `mktemp -d` is not, though DIR itself may be one). Otherwise it runs as the current
# user. Either way the database superuser is `postgres`, named in the URL. The server keeps its
# durable defaults (fsync, synchronous_commit) so that figures measured on it are honest.
set -euo pipefail

readonly BIN=/usr/lib/postgresql/15/bin
readonly PORT=5432            # only names the socket: with listen_addresses='' there is no TCP
readonly SUPERUSER=postgres
readonly MARKER=soundings-postgres-cluster
readonly START_TIMEOUT=60

die() {
  echo "postgres-cluster: $*" >&2
  exit 1
}

usage() {
  echo "usage: postgres-cluster.sh start|stop|halt|resume DIR" >&2
  exit 2
}

# Runs a PostgreSQL program as the cluster's owner, from a folder that owner can enter.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

check_dir() {
  case "$DIR" in
    /*) ;;
    *) die "DIR must be an absolute path: $DIR" ;;
  esac
  [[ "$DIR" =~ ^[A-Za-z0-9/._-]+$ ]] || die "DIR may hold only letters, digits and / . _ - : $DIR"
  [ "${#DIR}" -le 80 ] || die "DIR is ${#DIR} characters; keep it within 80 (Unix socket paths are limited): $DIR"
  [ "$DIR" != "/" ] || die "DIR must not be /"
}

# Stops a cluster left running in DIR and removes DIR; refuses a non-empty folder this script did not make.
remove_cluster() {
  [ -e "$DIR" ] || return 0
  [ -d "$DIR" ] || die "$DIR exists and is not a folder"
  if [ -n "$(ls -A "$DIR")" ] && [ ! -e "$DIR/$MARKER" ]; then
    die "$DIR holds files that are not a test cluster's; refusing to remove them"
  fi
  if [ -f "$DIR/data/postmaster.pid" ]; then
    as_owner "$BIN/pg_ctl" stop -D "$DIR/data" -m fast -w -t "$START_TIMEOUT" >/dev/null 2>&1 ||
      as_owner "$BIN/pg_ctl" stop -D "$DIR/data" -m immediate -w >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

make_folder() {
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  touch "$DIR/$MARKER"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$DIR"
    runuser -u postgres -- test -w "$DIR" ||
      die "user postgres cannot write to $DIR: its parent folders must be searchable by postgres"
  fi
}

start() {
  [ -x "$BIN/initdb" ] || die "PostgreSQL 15 is not installed ($BIN/initdb missing): apt-get install postgresql-15"
  remove_cluster
  make_folder
  as_owner "$BIN/initdb" -D "$DIR/data" --username="$SUPERUSER" --auth=trust --no-locale -E UTF8 \
    >"$DIR/initdb.log" 2>&1 || die "initdb failed; see $DIR/initdb.log"
  cat >>"$DIR/data/postgresql.conf" <<EOF

# A test cluster: a Unix socket only.
listen_addresses = ''
unix_socket_directories = '$DIR'
port = $PORT
EOF
  as_owner "$BIN/pg_ctl" start -D "$DIR/data" -l "$DIR/server.log" -w -t "$START_TIMEOUT" >/dev/null 2>&1 ||
    die "the server did not start; see $DIR/server.log"
  as_owner "$BIN/pg_isready" -q -h "$DIR" -p "$PORT" -t "$START_TIMEOUT" ||
    die "the server does not answer on $DIR; see $DIR/server.log"
  echo "postgresql:///postgres?host=$DIR&port=$PORT&user=$SUPERUSER"
}

stop() {
  remove_cluster
}

halt() {
  [ -e "$DIR/$MARKER" ] || die "$DIR is not a test cluster"
  as_owner "$BIN/pg_ctl" stop -D "$DIR/data" -m immediate -w -t "$START_TIMEOUT" >/dev/null 2>&1 ||
    die "the server in $DIR did not stop; see $DIR/server.log"
}

resume() {
  [ -e "$DIR/$MARKER" ] || die "$DIR is not a test cluster"
  as_owner "$BIN/pg_ctl" start -D "$DIR/data" -l "$DIR/server.log" -w -t "$START_TIMEOUT" >/dev/null 2>&1 ||
    die "the server did not start again; see $DIR/server.log"
  as_owner "$BIN/pg_isready" -q -h "$DIR" -p "$PORT" -t "$START_TIMEOUT" ||
    die "the server does not answer on $DIR; see $DIR/server.log"
}

[ "$#" -eq 2 ] || usage
readonly DIR="${2%/}"
check_dir
case "$1" in
  start) start ;;
  stop) stop ;;
  halt) halt ;;
  resume) resume ;;
  *) usage ;;
esac
