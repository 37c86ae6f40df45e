# PostgreSQL for Terraform state (PIPELINE_STATE=pg): the project's own cluster under its cache
# folder, listening on 127.0.0.1 only, with a role and a database for the state. Source it.
# shellcheck shell=bash

PIPELINE_PG_DIR=$PIPELINE_HOME/postgres
PIPELINE_PG_PORT=${PIPELINE_PG_PORT:-5544}
PIPELINE_PG_ROLE=cdktf_pipeline
PIPELINE_PG_DATABASE=cdktf_pipeline

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# as_postgres COMMAND...: PostgreSQL's server refuses to run as root; as root it runs in a user
# namespace as an ordinary user that still owns the files under the cache folder.
as_postgres() {
  if is_root; then
    unshare --user --map-user=1000 --map-group=1000 "$@"
  else
    "$@"
  fi
}

# The connection string of the project's own cluster (with its role's password).
pg_own_connection() {
  printf 'postgres://%s:%s@127.0.0.1:%s/%s?sslmode=disable' "$PIPELINE_PG_ROLE" \
    "$(cat "$PIPELINE_PG_DIR/password")" "$PIPELINE_PG_PORT" "$PIPELINE_PG_DATABASE"
}

pg_own_running() { [ -s "$PIPELINE_PG_DIR/data/postmaster.pid" ] && "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PIPELINE_PG_PORT"; }

# postgres_state: a reachable PostgreSQL for the state when PIPELINE_STATE=pg; prints one line.
# Sets PG_CONN_STR for pipeline.env.
postgres_state() {
  if [ "${PIPELINE_STATE:-local}" != pg ]; then
    echo "not used (PIPELINE_STATE=${PIPELINE_STATE:-local}: local state files)"
    return
  fi
  [ -n "$(pg_bin)" ] || apt_install postgresql
  local bin
  bin=$(pg_bin)
  # A server the user named is used as it is, or refused when it does not answer.
  if [ -n "${PG_CONN_STR:-}" ] && { [ ! -f "$PIPELINE_PG_DIR/password" ] || [ "$PG_CONN_STR" != "$(pg_own_connection)" ]; }; then
    "$bin/pg_isready" -q -d "$PG_CONN_STR" ||
      die "PG_CONN_STR names a PostgreSQL server that does not answer." \
        "Start it, or unset PG_CONN_STR to let setup start the project's own on 127.0.0.1:$PIPELINE_PG_PORT."
    echo "using the server PG_CONN_STR names, as it is"
    return
  fi
  mkdir -p "$PIPELINE_PG_DIR"
  if [ ! -s "$PIPELINE_PG_DIR/data/PG_VERSION" ]; then
    rm -rf "$PIPELINE_PG_DIR/data"
    [ -f "$PIPELINE_PG_DIR/password" ] || (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$PIPELINE_PG_DIR/password")
    as_postgres "$bin/initdb" -D "$PIPELINE_PG_DIR/data" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 >"$PIPELINE_PG_DIR/initdb.log" 2>&1 ||
      die "initdb failed; see $PIPELINE_PG_DIR/initdb.log" "Remove $PIPELINE_PG_DIR and run setup again."
    cat >>"$PIPELINE_PG_DIR/data/postgresql.conf" <<CONF
# Written by scripts/setup: loopback only, the socket beside the data.
listen_addresses = '127.0.0.1'
port = $PIPELINE_PG_PORT
unix_socket_directories = '$PIPELINE_PG_DIR'
CONF
  fi
  if ! pg_own_running; then
    as_postgres "$bin/pg_ctl" -D "$PIPELINE_PG_DIR/data" -l "$PIPELINE_PG_DIR/server.log" -w -t 60 start >/dev/null ||
      die "PostgreSQL did not start; see $PIPELINE_PG_DIR/server.log" "Is port $PIPELINE_PG_PORT taken? Set PIPELINE_PG_PORT."
    touch "$PIPELINE_PG_DIR/started-by-setup"
  fi
  # The role and the database for the state (idempotent).
  local admin=("$bin/psql" -X -q -h "$PIPELINE_PG_DIR" -p "$PIPELINE_PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
  "${admin[@]}" -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PIPELINE_PG_ROLE') THEN CREATE ROLE $PIPELINE_PG_ROLE LOGIN; END IF; END \$\$;" \
    -c "ALTER ROLE $PIPELINE_PG_ROLE PASSWORD '$(cat "$PIPELINE_PG_DIR/password")'" >/dev/null
  [ "$("${admin[@]}" -Atc "SELECT 1 FROM pg_database WHERE datname = '$PIPELINE_PG_DATABASE'")" = 1 ] ||
    "${admin[@]}" -c "CREATE DATABASE $PIPELINE_PG_DATABASE OWNER $PIPELINE_PG_ROLE" >/dev/null
  PG_CONN_STR=$(pg_own_connection)
  echo "PostgreSQL $("$bin/postgres" -V | awk '{print $3}') on 127.0.0.1:$PIPELINE_PG_PORT, database $PIPELINE_PG_DATABASE (data in $PIPELINE_PG_DIR)"
}

# stop_postgres: stops the project's own cluster if setup started it.
stop_postgres() {
  [ -f "$PIPELINE_PG_DIR/started-by-setup" ] || return 0
  if [ -s "$PIPELINE_PG_DIR/data/postmaster.pid" ]; then
    log "stopping PostgreSQL (127.0.0.1:$PIPELINE_PG_PORT)"
    as_postgres "$(pg_bin)/pg_ctl" -D "$PIPELINE_PG_DIR/data" -w -m fast stop >/dev/null || true
  fi
  rm -f "$PIPELINE_PG_DIR/started-by-setup"
}
