#!/bin/bash
# Entry point of the PostgreSQL image. Options as the first argument go to
# postgres. To run the server it first creates $PGDATA and the socket
# directory (and, started as root, hands them to postgres and runs again as
# that user). On the first start, when $PGDATA holds no PG_VERSION, it
# initializes the database: initdb with the superuser $POSTGRES_USER
# (postgres) and its password $POSTGRES_PASSWORD, a pg_hba.conf line for
# every other host with $POSTGRES_HOST_AUTH_METHOD (the server's
# password_encryption unless set), the database $POSTGRES_DB, and the
# *.sql and *.sh of /docker-entrypoint-initdb.d, run through a server that
# gets the same arguments but listens on no TCP port. Then it runs its
# arguments. Every POSTGRES_* variable may come from the file named by
# POSTGRES_*_FILE instead.
set -Eeo pipefail

from_file() { # from_file VAR [DEFAULT]
	local var=$1 file_var="${1}_FILE" value=${2:-}
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		echo "$0: set $var or $file_var, not both" >&2
		exit 1
	fi
	if [ -n "${!var:-}" ]; then
		value=${!var}
	elif [ -n "${!file_var:-}" ]; then
		value=$(<"${!file_var}")
	fi
	export "$var=$value"
	unset "$file_var"
}

wants_help() {
	local arg
	for arg; do
		case $arg in
		-'?' | --help | --describe-config | -V | --version) return 0 ;;
		esac
	done
	return 1
}

if [ "${1:0:1}" = - ]; then
	set -- postgres "$@"
fi

if [ "$1" != postgres ] || wants_help "$@"; then
	exec "$@"
fi

: "${PGDATA:?PGDATA must name the data directory}"
mkdir -p "$PGDATA"
chmod 0700 "$PGDATA" || :
mkdir -p /var/run/postgresql || :
chmod 3775 /var/run/postgresql || :
if [ "$(id -u)" = 0 ]; then
	find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres: '{}' +
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

if [ -s "$PGDATA/PG_VERSION" ]; then
	echo "$0: $PGDATA holds a database; no initialization"
	exec "$@"
fi

from_file POSTGRES_PASSWORD
from_file POSTGRES_USER postgres
from_file POSTGRES_DB "$POSTGRES_USER"
from_file POSTGRES_INITDB_ARGS
if [ -z "$POSTGRES_PASSWORD" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
	echo "$0: $PGDATA holds no database and POSTGRES_PASSWORD is empty; set it (or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
	exit 1
fi
ls /docker-entrypoint-initdb.d/ >/dev/null

echo "$0: initializing $PGDATA"
eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"

server_args=("${@:2}")
auth=${POSTGRES_HOST_AUTH_METHOD:-$(postgres -C password_encryption "${server_args[@]}")}
printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
NOTIFY_SOCKET= PGUSER="${PGUSER:-$POSTGRES_USER}" \
	pg_ctl -D "$PGDATA" -w start -o "$(printf '%q ' "${server_args[@]}" -c listen_addresses= -p "${PGPORT:-5432}")"

sql() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"; }
if [ "$POSTGRES_DB" != postgres ] &&
	[ -z "$(sql --dbname postgres --tuples-only --set db="$POSTGRES_DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")" ]; then
	sql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db"'
fi
for f in /docker-entrypoint-initdb.d/*; do
	case $f in
	*.sh)
		echo "$0: running $f"
		if [ -x "$f" ]; then "$f"; else . "$f"; fi
		;;
	*.sql)
		echo "$0: running $f"
		sql --dbname "$POSTGRES_DB" -f "$f"
		;;
	*/\*) ;;
	*) echo "$0: ignoring $f" ;;
	esac
done

PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -m fast -w stop
unset PGPASSWORD
echo "$0: $PGDATA initialized"

exec "$@"
