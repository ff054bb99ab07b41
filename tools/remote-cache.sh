#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Bazel's remote cache: nginx serving WebDAV (GET/PUT) on 127.0.0.1:18080,
# its storage in a directory that outlives a run, so the next run on this
# machine gets cache hits. --config=ci in .bazelrc points Bazel at it.
# usage: tools/remote-cache.sh start|stop|status
set -euo pipefail

PORT=18080
STORE=${PASSTHROUGH_CACHE:-/var/cache/qemu-passthrough}/remote-cache
RUN=$STORE/run
CONF=$RUN/nginx.conf

start() {
    mkdir -p "$STORE/data" "$STORE/tmp" "$RUN"
    # nginx's workers run as nobody: they must be able to write the store.
    chown -R nobody:nogroup "$STORE/data" "$STORE/tmp"
    cat > "$CONF" <<CONF
worker_processes 2;
pid $RUN/nginx.pid;
error_log $RUN/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $STORE/tmp/body;
    proxy_temp_path $STORE/tmp/proxy;
    fastcgi_temp_path $STORE/tmp/fastcgi;
    uwsgi_temp_path $STORE/tmp/uwsgi;
    scgi_temp_path $STORE/tmp/scgi;
    server {
        listen 127.0.0.1:$PORT;
        root $STORE/data;
        log_not_found off;
        location / {
            dav_methods PUT;
            create_full_put_path on;
            client_max_body_size 0;
        }
    }
}
CONF
    if status >/dev/null; then
        stop
    fi
    nginx -c "$CONF"
    for _ in $(seq 50); do
        if status >/dev/null; then
            echo "remote cache: serving $STORE/data on 127.0.0.1:$PORT"
            return 0
        fi
        sleep 0.1
    done
    echo "remote cache: nginx did not start; see $RUN/error.log" >&2
    return 1
}

stop() {
    local pid
    if [ -f "$RUN/nginx.pid" ]; then
        pid=$(cat "$RUN/nginx.pid")
        kill -QUIT "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$RUN/nginx.pid"
        echo "remote cache: stopped"
    fi
}

status() {
    [ -f "$RUN/nginx.pid" ] && kill -0 "$(cat "$RUN/nginx.pid")" 2>/dev/null
}

usage() {
    cat <<'USAGE'
usage: tools/remote-cache.sh start|stop|status
Bazel's remote cache for --config=ci: nginx (WebDAV) on 127.0.0.1:18080,
its storage under PASSTHROUGH_CACHE (default /var/cache/qemu-passthrough).
  start    (re)start it
  stop     stop it
  status   say whether it runs (exit status 1 if not)
  -h, --help   this text
USAGE
}
bad_usage() {
    echo "remote-cache: $*" >&2
    usage >&2
    exit 2
}

for a in "$@"; do
    case "$a" in
    -h|--help) usage; exit 0 ;;
    -*) bad_usage "unknown option '$a'" ;;
    esac
done
[ $# -le 1 ] || bad_usage "one command, not $# arguments ($*)"
case "${1:-}" in
start) start ;;
stop) stop ;;
status) status && echo running || { echo stopped; exit 1; } ;;
'') bad_usage "no command given" ;;
*) bad_usage "unknown command '$1'" ;;
esac
