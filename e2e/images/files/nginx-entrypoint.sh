#!/bin/sh
# Entry point of the nginx image: before nginx starts, it sources each
# executable *.envsh of /docker-entrypoint.d and runs each executable *.sh,
# in order. Then it runs its arguments.
set -e

if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
	for f in $(find /docker-entrypoint.d/ -follow -type f -print | sort -V); do
		[ -x "$f" ] || continue
		case $f in
		*.envsh) . "$f" ;;
		*.sh) "$f" ;;
		esac
	done
fi

exec "$@"
