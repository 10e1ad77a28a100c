#!/usr/bin/env bash
# pg-replica.sh [start|stop|drop|status] — a streaming hot standby of the
# main PostgreSQL cluster (127.0.0.1:5432, trust auth, user postgres) on
# port 5433, for the read-replica tests (ZHENGZHI_TEST_REPLICA) and for
# trying `zhengzhi serve --db-replica` by hand. Debian's tools only
# (pg_createcluster, pg_basebackup -R, pg_ctlcluster); run as root.
#
#   start   (default) create the standby if it is missing or no longer a
#           standby of the main cluster, start it, and wait until it accepts
#           read-only connections and streams. Idempotent: a running, streaming
#           standby is left alone.
#   stop    stop the standby (the main cluster keeps no slot for it, so a
#           stopped standby holds back no WAL; `start` re-creates it when it
#           can no longer catch up).
#   drop    stop and delete the standby.
#   status  say whether the standby is up and streaming (exit 1 if not).
#
# The main cluster is changed only where replication needs it, and each
# change is printed: a `host replication` trust line for 127.0.0.1 in its
# pg_hba.conf (then a reload), and wal_level=replica / max_wal_senders when
# they are too low (then a restart — Debian's defaults need neither).
# Environment: PG_VERSION (default: the newest in /etc/postgresql),
# PRIMARY_PORT (5432), REPLICA_PORT (5433), REPLICA_CLUSTER (replica).
set -euo pipefail

cmd=${1:-start}
ver=${PG_VERSION:-$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)}
primary_port=${PRIMARY_PORT:-5432}
port=${REPLICA_PORT:-5433}
name=${REPLICA_CLUSTER:-replica}
host=127.0.0.1

say() { echo "pg-replica: $*"; }
die() { echo "pg-replica: $*" >&2; exit 1; }

[ -n "$ver" ] || die "no PostgreSQL in /etc/postgresql (apt-get install postgresql)"
[ "$(id -u)" = 0 ] || die "run as root (it creates a cluster owned by postgres)"

# q PORT SQL: one value from the cluster on PORT, or nothing when it is down.
q() { psql -X -h "$host" -p "$1" -U postgres -d postgres -Atqc "$2" 2>/dev/null || true; }
exists() { [ -f "/etc/postgresql/$ver/$name/postgresql.conf" ] && [ -f "$(datadir)/PG_VERSION" ]; }
datadir() { echo "/var/lib/postgresql/$ver/$name"; }

# streaming: the standby answers read-only, replays the main cluster's
# WAL (same system identifier) and its WAL receiver is streaming.
streaming() {
  local sys_p sys_r
  sys_p=$(q "$primary_port" "SELECT system_identifier FROM pg_control_system()")
  sys_r=$(q "$port" "SELECT system_identifier FROM pg_control_system()")
  [ -n "$sys_p" ] && [ "$sys_p" = "$sys_r" ] &&
    [ "$(q "$port" "SELECT pg_is_in_recovery()")" = t ] &&
    [ "$(q "$port" "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'")" = 1 ]
}

wait_streaming() {
  for _ in $(seq 1 "$1"); do
    streaming && return 0
    sleep 0.2
  done
  return 1
}

drop() {
  local conf=/etc/postgresql/$ver/$name
  if [ -d "$conf" ] || [ -d "$(datadir)" ]; then
    rm -f "$conf/conf.d/zz-replica.conf" # pg_dropcluster keeps a directory with files it did not write
    pg_dropcluster --stop "$ver" "$name" 2>/dev/null || true
    rm -rf "$conf" "$(datadir)"
    say "dropped cluster $ver/$name"
  fi
}

# prepare_primary makes the main cluster accept a replication connection
# from 127.0.0.1 as postgres, changing only what is missing.
prepare_primary() {
  pg_isready -q -h "$host" -p "$primary_port" || die "main cluster not accepting connections on $host:$primary_port"
  local restart=
  case "$(q "$primary_port" "SHOW wal_level")" in
    replica|logical) ;;
    *) q "$primary_port" "ALTER SYSTEM SET wal_level = replica" >/dev/null; restart=1
       say "main cluster: wal_level := replica" ;;
  esac
  # pg_basebackup -X stream uses two WAL senders; the standby one more.
  if [ "$(q "$primary_port" "SHOW max_wal_senders")" -lt 3 ]; then
    q "$primary_port" "ALTER SYSTEM SET max_wal_senders = 10" >/dev/null; restart=1
    say "main cluster: max_wal_senders := 10"
  fi
  if [ -n "$restart" ]; then
    say "main cluster: restarting $ver/main for the settings above"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
    for _ in $(seq 1 50); do pg_isready -q -h "$host" -p "$primary_port" && break; sleep 0.2; done
  fi
  if ! psql -X "host=$host port=$primary_port user=postgres replication=true" -Atqc IDENTIFY_SYSTEM >/dev/null 2>&1; then
    local hba
    hba=$(q "$primary_port" "SHOW hba_file")
    [ -n "$hba" ] || die "cannot read hba_file of the main cluster"
    # pg_hba.conf is first match: the line goes on top.
    { echo "host replication postgres $host/32 trust # added by zhengzhi scripts/pg-replica.sh"; cat "$hba"; } >"$hba.new"
    chown --reference="$hba" "$hba.new"; chmod --reference="$hba" "$hba.new"; mv "$hba.new" "$hba"
    q "$primary_port" "SELECT pg_reload_conf()" >/dev/null
    say "main cluster: added a replication trust line for $host to $hba and reloaded"
    sleep 0.2
    psql -X "host=$host port=$primary_port user=postgres replication=true" -Atqc IDENTIFY_SYSTEM >/dev/null ||
      die "main cluster still refuses a replication connection from $host"
  fi
}

create() {
  prepare_primary
  pg_createcluster "$ver" "$name" -p "$port" >/dev/null
  local conf=/etc/postgresql/$ver/$name dir
  dir=$(datadir)
  # The standby's settings: listen where the main cluster does, allow at
  # least the main cluster's limits (a hot standby refuses to start with
  # fewer), the same client authentication.
  {
    echo "# written by zhengzhi scripts/pg-replica.sh"
    echo "listen_addresses = '$host'"
    echo "hot_standby = on"
    # Long report queries on the standby are not cancelled by replay of the
    # primary's cleanup of rows they still read.
    echo "hot_standby_feedback = on"
    for s in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
      echo "$s = $(q "$primary_port" "SHOW $s")"
    done
  } >"$conf/conf.d/zz-replica.conf"
  cp "$(q "$primary_port" "SHOW hba_file")" "$conf/pg_hba.conf"
  chown postgres:postgres "$conf/conf.d/zz-replica.conf" "$conf/pg_hba.conf"
  # Replace the fresh cluster's files with a copy of the main cluster; -R
  # writes standby.signal and primary_conninfo.
  find "$dir" -mindepth 1 -delete
  runuser -u postgres -- pg_basebackup -h "$host" -p "$primary_port" -U postgres -D "$dir" -R -X stream -c fast
  say "created cluster $ver/$name on port $port as a standby of $ver/main"
}

start() {
  if streaming; then
    say "standby $ver/$name on $host:$port is streaming"
    return 0
  fi
  if exists; then
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start 2>/dev/null || true
    if wait_streaming 25; then
      say "started standby $ver/$name on $host:$port"
      return 0
    fi
    say "$ver/$name is not a streaming standby of $ver/main: re-creating it"
  fi
  drop # also a half-created or half-dropped one
  create
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
  wait_streaming 100 || die "standby $ver/$name did not start streaming; see /var/log/postgresql/postgresql-$ver-$name.log"
  say "standby $ver/$name on $host:$port is streaming (read-only)"
}

case "$cmd" in
  start) start ;;
  stop)
    if exists; then pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" stop -m fast 2>/dev/null || true; say "stopped $ver/$name"; fi ;;
  drop) drop ;;
  status)
    if streaming; then say "standby $ver/$name on $host:$port is streaming"; else say "no streaming standby on $host:$port"; exit 1; fi ;;
  *) die "usage: $0 [start|stop|drop|status]" ;;
esac
