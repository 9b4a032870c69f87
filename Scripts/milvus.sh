#!/usr/bin/env bash
# A real Milvus for the HMNMilvus tests and benchmark: PyPI's `milvus` package (the embedded
# standalone server, REST v1 on the proxy port), in a venv made once in .milvus/venv.
#
#   Scripts/milvus.sh start    fresh data in .milvus/data; prints the URL (http://127.0.0.1:PORT)
#   Scripts/milvus.sh restart  same data and port (after `kill`); prints the URL
#   Scripts/milvus.sh stop     stops the server started here
#   Scripts/milvus.sh kill     SIGKILLs it (a crash), keeping its data
#   Scripts/milvus.sh url      prints the URL of the running server
#
# MILVUS_PORT picks the first proxy port to try (default 19530; the next free one is used when it
# is taken). Every failure exits non-zero with the server's log tail: `make test` must not skip
# the Milvus tests silently.
set -euo pipefail
cd "$(dirname "$0")/.."
state=.milvus
venv=$state/venv
version=2.3.5
mkdir -p "$state"

die() {
    echo "milvus.sh: $*" >&2
    for log in "$state/launcher.log" "$state/data/logs/milvus-stderr.log"; do
        [ -f "$log" ] && { echo "--- tail of $log" >&2; tail -n 20 "$log" >&2; }
    done
    exit 1
}

ensure_venv() {
    if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import milvus" 2>/dev/null; then return; fi
    rm -rf "$venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 ships venv and pip separately.
        if [ "$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip;
        else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip; fi
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
    local began=$SECONDS
    "$venv/bin/pip" install -q --disable-pip-version-check "milvus==$version" || die "pip install milvus==$version failed"
    echo "milvus.sh: installed milvus $version in $((SECONDS - began)) s" >&2
}

running() { [ -f "$state/launcher.pid" ] && kill -0 "$(cat "$state/launcher.pid")" 2>/dev/null; }

url() { echo "http://127.0.0.1:$(cat "$state/port")"; }

# Python, not curl: a fresh CI machine has python3 (the venv) but maybe no curl.
rest_answers() {
    "$venv/bin/python" - "$(url)/v1/vector/collections" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as reply:
    sys.exit(0 if b'"code":200' in reply.read() else 1)
PY
}

launch() {
    local first_port=$1
    rm -f "$state/port" "$state/milvus.pid"
    local began=$SECONDS
    # setsid: the server outlives this script, and a Ctrl-C in the terminal does not reach it.
    setsid "$venv/bin/python" Scripts/milvus_server.py "$PWD/$state/data" "$first_port" "$PWD/$state" \
        >"$state/launcher.log" 2>&1 </dev/null &
    echo $! >"$state/launcher.pid"
    # The launcher writes the port once /healthz answers; then wait for the REST API itself.
    while [ ! -f "$state/port" ]; do
        running || die "the server exited during startup"
        [ $((SECONDS - began)) -lt 180 ] || die "no healthy server after 180 s"
        sleep 0.5
    done
    until rest_answers; do
        running || die "the server exited before its REST API answered"
        [ $((SECONDS - began)) -lt 180 ] || die "REST API not answering after 180 s"
        sleep 0.5
    done
    echo "milvus.sh: milvus $version up in $((SECONDS - began)) s at $(url) (data $state/data)" >&2
    url
}

stop_server() {
    if running; then
        local pid
        pid=$(cat "$state/launcher.pid")
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    # The launcher stops its child; make sure of it (this pid is the server this script started).
    if [ -f "$state/milvus.pid" ]; then kill -KILL "$(cat "$state/milvus.pid")" 2>/dev/null || true; fi
    rm -f "$state/launcher.pid"
}

case "${1:-}" in
start)
    stop_server
    ensure_venv
    rm -rf "$state/data"
    launch "${MILVUS_PORT:-19530}"
    ;;
restart)
    [ -f "$state/port" ] || die "no previous server to restart"
    port=$(cat "$state/port")
    stop_server
    launch "$port"
    [ "$(cat "$state/port")" = "$port" ] || die "port $port was taken meanwhile"
    ;;
stop)
    stop_server
    ;;
kill)
    [ -f "$state/milvus.pid" ] || die "no server to kill"
    kill -KILL "$(cat "$state/milvus.pid")" 2>/dev/null || true
    [ -f "$state/launcher.pid" ] && kill -KILL "$(cat "$state/launcher.pid")" 2>/dev/null || true
    rm -f "$state/launcher.pid"
    ;;
url)
    running || die "not running"
    url
    ;;
*)
    echo "usage: $0 start|restart|stop|kill|url" >&2
    exit 2
    ;;
esac
