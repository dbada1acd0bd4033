#!/usr/bin/env bash
# A bounded load run of `bascule serve` on loopback with wrk (Debian): p50 and p99 of the access
# decision (GET /api/acces, answered from memory) and of the login (POST /api/connexion, PBKDF2 at
# the production cost). Figures are printed, never asserted. Loopback only, 127.0.0.1; each wrk
# run lasts DURATION seconds (10 by default); the service and the data are removed at the end.
#
#   Benchmarks/ServerLoad/run.sh                 # the debug build (swift build)
#   CONFIG=release Benchmarks/ServerLoad/run.sh  # a release build (longer to build)
#   CONFIG=release BIN=/tmp/release/release/bascule Benchmarks/ServerLoad/run.sh  # one already built
set -euo pipefail
cd "$(dirname "$0")/../.."
CONFIG="${CONFIG:-debug}"
DURATION="${DURATION:-10}"
STUDENTS="${STUDENTS:-600}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
if [ -z "${BIN:-}" ]; then  # BIN=/path/to/bascule: a binary built elsewhere (another --scratch-path)
    swift build -c "$CONFIG" --product bascule >/dev/null
    BIN="$(swift build -c "$CONFIG" --show-bin-path)/bascule"
fi

WORK="$(mktemp -d /tmp/bascule-load-XXXXXX)"
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

DATA="$WORK/data"
"$BIN" generate --schools 1 --students "$STUDENTS" --years 1 --first-year 2026 --seed 42 --out "$WORK/exports" >/dev/null
"$BIN" import --data "$DATA" --date 2026-09-03 "$WORK"/exports/*/2026/* >/dev/null
"$BIN" apply --data "$DATA" --date 2026-09-03 --yes --password-rounds 10000 >/dev/null
echo 'Charge-Mesuree-2026!' | "$BIN" admin create --data "$DATA" banc >/dev/null
TOKEN="$("$BIN" token create --data "$DATA" --role acces --name banc 2>/dev/null)"
LOGIN="$("$BIN" accounts --data "$DATA" --json | python3 -c 'import json,sys; print([a["login"] for a in json.load(sys.stdin) if a["kind"]=="student"][0])')"

# The HTTP service alone: the daily run (on by default in `bascule serve`) would do the day's
# work at start-up, on the same cores, in the middle of the measure.
printf 'service:\n  quotidien: false\n' >"$DATA/bascule.yml"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BIN" serve --data "$DATA" --host 127.0.0.1 --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

percentiles() { # wrk --latency output → "p50 … p99 …"
    awk '/Latency Distribution/ {on=1} on && $1=="50%" {p50=$2} on && $1=="99%" {p99=$2} /Requests\/sec/ {rps=$2}
         /requests in/ {n=$1} /Non-2xx/ {bad=$NF}
         END {printf "p50 %s  p99 %s  (%s req/s, %s requêtes, %s hors 2xx)\n", p50, p99, rps, n, bad+0}'
}

echo "bascule serve ($CONFIG), $STUDENTS élèves, $(nproc) cœurs, wrk ${DURATION}s par mesure, 127.0.0.1"
printf 'GET /api/acces (mémoire)         : '
wrk -t2 -c16 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/acces?login=$LOGIN&date=2026-08-25" | percentiles

# The login form's cookie and token, reused by every request of the run (double submit).
FORM="$(curl -fs -c "$WORK/jar" "http://127.0.0.1:$PORT/api/connexion")"
CSRF="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf"])' "$FORM")"
COOKIE="$(awk '$6=="bascule_connexion" {print $6"="$7}' "$WORK/jar")"
cat >"$WORK/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "$COOKIE"
wrk.body = '{"identifiant":"banc","motDePasse":"Charge-Mesuree-2026!","csrf":"$CSRF"}'
LUA
printf 'POST /api/connexion (PBKDF2 210 000 tours) : '
wrk -t1 -c2 -d"${DURATION}s" --latency -s "$WORK/login.lua" "http://127.0.0.1:$PORT/api/connexion" | percentiles
