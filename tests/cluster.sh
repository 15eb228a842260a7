#!/usr/bin/env bash
# cluster.sh - a private, throwaway PostgreSQL 15 cluster for tests.
#
#   tests/cluster.sh start DIR   create (if missing) and start a cluster in
#                                DIR/data; writes DIR/env to be sourced
#                                (PGDATABASE: DIR/dbname when there, else postgres)
#   tests/cluster.sh stop DIR    stop it (pg_ctl -m fast)
#   tests/cluster.sh status DIR  exit 0 when it is running
#
# Unix socket only (listen_addresses=''), in DIR/sock unless that path is too
# long for a socket name, then in a mktemp -d directory under /tmp whose path
# is recorded in DIR/sockdir.  Trust authentication, superuser "postgres",
# fsync off.  initdb refuses to run as root, so as root the cluster belongs to
# the "postgres" system user and its programs run through runuser.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PROG=$(basename "$0")

die() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	exit 1
}

usage() {
	printf 'usage: %s start|stop|status DIR\n' "$PROG" >&2
	exit 64
}

# Runs a command as the cluster owner.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Creates a directory owned by the cluster owner.
owned_dir() {
	mkdir -p "$1"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$1"
	fi
	chmod 700 "$1"
}

# The socket directory: DIR/sock, or a short one under /tmp when that path
# would make the socket name (DIR/sock/.s.PGSQL.NNNNN) exceed the limit.
socket_dir() {
	local dir=$1 sock
	if [ -f "$dir/sockdir" ]; then
		sock=$(cat "$dir/sockdir")
		if [ ! -d "$sock" ]; then
			mkdir -p "$sock"
		fi
	else
		sock=$dir/sock
		if [ "${#sock}" -gt 90 ]; then
			sock=$(mktemp -d /tmp/pbr-pgsock.XXXXXX)
			printf '%s\n' "$sock" >"$dir/sockdir"
		else
			mkdir -p "$sock"
		fi
	fi
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$sock"
	fi
	chmod 700 "$sock"
	printf '%s\n' "$sock"
}

# A port no other server uses in this socket directory (the TCP port is not
# listened on, but keep clear of anything that looks taken anyway).
pick_port() {
	local sock=$1 port tries=0
	port=$((50000 + ($$ % 10000)))
	while [ "$tries" -lt 200 ]; do
		if [ ! -e "$sock/.s.PGSQL.$port" ] &&
			[ ! -e "$sock/.s.PGSQL.$port.lock" ] &&
			! port_in_use "$port"; then
			printf '%s\n' "$port"
			return 0
		fi
		port=$((port + 1))
		tries=$((tries + 1))
	done
	die "no free port found"
}

port_in_use() {
	if command -v ss >/dev/null 2>&1; then
		ss -Htln "sport = :$1" 2>/dev/null | grep -q .
	else
		return 1
	fi
}

cmd_start() {
	local dir=$1 sock port
	[ -x "$PGBIN/initdb" ] || die "no PostgreSQL binaries in $PGBIN"
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if [ "$(id -u)" -eq 0 ]; then
		# the owner must be able to reach DIR
		chmod o+x "$dir"
	fi
	sock=$(socket_dir "$dir")
	owned_dir "$dir/log"

	if [ ! -f "$dir/data/PG_VERSION" ]; then
		rm -rf "$dir/data"
		owned_dir "$dir/data"
		port=$(pick_port "$sock")
		as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres \
			--auth=trust --encoding=UTF8 --locale=C.UTF-8 \
			>"$dir/log/initdb.log" 2>&1 ||
			die "initdb failed, see $dir/log/initdb.log"
		as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF

# written by tests/cluster.sh
listen_addresses = ''
port = $port
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
		printf '%s\n' "$port" >"$dir/port"
	fi
	port=$(cat "$dir/port")

	if ! as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -t 60 \
			-l "$dir/log/postgres.log" \
			-o "-c unix_socket_directories='$sock' -c port=$port" \
			start >/dev/null ||
			die "pg_ctl start failed, see $dir/log/postgres.log"
	fi
	# DIR/dbname, when there, names the database env points at (the demo's)
	local db=postgres
	[ -s "$dir/dbname" ] && db=$(cat "$dir/dbname")
	printf 'export PGHOST=%q PGPORT=%q PGUSER=postgres PGDATABASE=%q\n' \
		"$sock" "$port" "$db" >"$dir/env"
}

cmd_stop() {
	local dir=$1
	[ -f "$dir/data/PG_VERSION" ] || die "no cluster in $dir/data"
	if as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	fi
	# a socket directory of our own under /tmp goes with the server
	if [ -f "$dir/sockdir" ]; then
		rmdir "$(cat "$dir/sockdir")" 2>/dev/null || true
		rm -f "$dir/sockdir"
	fi
}

cmd_status() {
	local dir=$1
	[ -f "$dir/data/PG_VERSION" ] || return 1
	as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

[ "$#" -eq 2 ] || usage
case $1 in
start) cmd_start "$2" ;;
stop) cmd_stop "$2" ;;
status) cmd_status "$2" ;;
*) usage ;;
esac
