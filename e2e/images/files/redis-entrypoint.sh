#!/bin/sh
# Entry point of the Redis image: options or a config file as the first
# argument go to redis-server. Started as root, it hands /data to the redis
# user and runs again as that user; the server then creates its files
# private to it, unless the caller chose another umask than the default.
set -e

case "$1" in
-* | *.conf) set -- redis-server "$@" ;;
esac

if [ "$1" = redis-server ]; then
	if [ "$(id -u)" = 0 ]; then
		find /data \! -user redis -exec chown redis: '{}' +
		exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
	fi
	if [ "$(umask)" = 0022 ]; then
		umask 0077
	fi
fi

exec "$@"
