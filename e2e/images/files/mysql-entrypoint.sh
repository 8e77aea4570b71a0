#!/bin/bash
# Entry point of the MySQL image (MariaDB). Options as the first argument go
# to mysqld. To run the server, started as root, it hands the data directory
# to mysql and runs again as that user. On the first start, when the data
# directory holds no mysql directory, it initializes it: the system tables,
# root with the password $MYSQL_ROOT_PASSWORD (or an empty one with
# MYSQL_ALLOW_EMPTY_PASSWORD, or a random one with
# MYSQL_RANDOM_ROOT_PASSWORD) for localhost and for $MYSQL_ROOT_HOST (%),
# the database $MYSQL_DATABASE, the user $MYSQL_USER with $MYSQL_PASSWORD,
# and the *.sql and *.sh of /docker-entrypoint-initdb.d, run through a
# server that gets the same arguments but listens on no TCP port and writes
# no binary log. Then it runs its arguments.
set -Eeo pipefail

if [ "${1:0:1}" = - ]; then
	set -- mysqld "$@"
fi
case $1 in
mysqld | mariadbd) ;;
*) exec "$@" ;;
esac
for arg; do
	case $arg in
	-'?' | --help | --print-defaults | -V | --version) exec "$@" ;;
	esac
done

# What the server will use, with the command's arguments; this checks the
# configuration too.
if ! help=$("$@" --verbose --help 2>&1); then
	echo "$0: the server refuses its configuration ($* --verbose --help):" >&2
	grep -F '[ERROR]' <<<"$help" >&2 || tail -n 5 <<<"$help" >&2
	exit 1
fi
setting() { awk -v name="$1" '$1 == name && NF == 2 { print $2; exit }' <<<"$help"; }
datadir=$(setting datadir)
socket=$(setting socket)
: "${datadir:?could not tell the data directory from mysqld --verbose --help}"

if [ "$(id -u)" = 0 ]; then
	mkdir -p "$datadir"
	find "$datadir" \! -user mysql -exec chown mysql: '{}' +
	exec setpriv --reuid=mysql --regid=mysql --init-groups "$BASH_SOURCE" "$@"
fi

if [ -d "$datadir/mysql" ]; then
	echo "$0: $datadir holds a database; no initialization"
	exec "$@"
fi

if [ -z "${MYSQL_ROOT_PASSWORD:-}" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" ] && [ -z "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]; then
	echo "$0: $datadir holds no database; set MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD or MYSQL_RANDOM_ROOT_PASSWORD" >&2
	exit 1
fi
if [ -n "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]; then
	MYSQL_ROOT_PASSWORD=$(head -c 24 /dev/urandom | base64)
	echo "$0: generated root password: $MYSQL_ROOT_PASSWORD"
fi

echo "$0: initializing $datadir"
mkdir -p "$datadir"
mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal --skip-test-db >/dev/null

"$@" --skip-networking --skip-log-bin --socket="$socket" &
pid=$!
client=(mariadb --protocol=socket --socket="$socket" -uroot)
for _ in $(seq 60); do
	if "${client[@]}" -e 'SELECT 1' >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "$0: the server for the initialization stopped" >&2
		exit 1
	fi
	sleep 1
done
"${client[@]}" -e 'SELECT 1' >/dev/null

quote() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
password=$(quote "$MYSQL_ROOT_PASSWORD")
root_host=${MYSQL_ROOT_HOST:-%}
{
	echo "SET @@SESSION.SQL_LOG_BIN=0;"
	echo "DELETE FROM mysql.global_priv WHERE User NOT IN ('root', 'mariadb.sys') OR (User = 'root' AND Host != 'localhost');"
	echo "FLUSH PRIVILEGES;"
	echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $password;"
	if [ "$root_host" != localhost ]; then
		echo "CREATE USER 'root'@$(quote "$root_host") IDENTIFIED BY $password;"
		echo "GRANT ALL ON *.* TO 'root'@$(quote "$root_host") WITH GRANT OPTION;"
	fi
	if [ -n "${MYSQL_DATABASE:-}" ]; then
		echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"
	fi
	if [ -n "${MYSQL_USER:-}" ] && [ -n "${MYSQL_PASSWORD:-}" ]; then
		echo "CREATE USER $(quote "$MYSQL_USER")@'%' IDENTIFIED BY $(quote "$MYSQL_PASSWORD");"
		if [ -n "${MYSQL_DATABASE:-}" ]; then
			echo "GRANT ALL ON \`$MYSQL_DATABASE\`.* TO $(quote "$MYSQL_USER")@'%';"
		fi
	fi
} | "${client[@]}"
client+=(--password="$MYSQL_ROOT_PASSWORD")

for f in /docker-entrypoint-initdb.d/*; do
	case $f in
	*.sh)
		echo "$0: running $f"
		. "$f"
		;;
	*.sql)
		echo "$0: running $f"
		"${client[@]}" ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} <"$f"
		;;
	*/\*) ;;
	*) echo "$0: ignoring $f" ;;
	esac
done

kill "$pid"
wait "$pid"
echo "$0: $datadir initialized"

exec "$@"
