#!/usr/bin/env bash
# Measures time from process start to the first 200 from /_matrix/client/versions, and resident memory
# after start, over N runs (default 5), each with a fresh data directory, and prints the medians.
#
#   bench/scripts/startup.sh [-n RUNS] [-p PORT] -- COMMAND [ARGS...]
#   bench/scripts/startup.sh -- bin/myelin-dev
#
# COMMAND must start Myelin on development defaults; the client listener is moved to PORT (default
# 18008) and the federation listener to PORT+1 through MYELIN_* overrides.
set -euo pipefail
runs=5 port=18008
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    -p) port=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [-n RUNS] [-p PORT] -- COMMAND [ARGS...]" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [-n RUNS] [-p PORT] -- COMMAND [ARGS...]" >&2; exit 2; }

# Probes with bash's own /dev/tcp rather than curl: a process spawned every few milliseconds would take
# CPU from the server it is timing on a 2-core machine.
answers_200() {
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
  local status=""
  read -r -t 2 status <&3 || true
  exec 3<&- 3>&-
  [[ $status == *" 200 "* ]]
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

times=() rss=()
for i in $(seq 1 "$runs"); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use" >&2; exit 1
  fi
  work=$(mktemp -d)
  start=$(date +%s%N)
  (cd "$work" && MYELIN_SERVER__DATA_DIR="$work/data" MYELIN_LISTENERS__CLIENT__PORT="$port" \
    MYELIN_LISTENERS__FEDERATION__PORT="$((port + 1))" exec "$@" >"$work/out.log" 2>&1) &
  pid=$!
  until answers_200; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited; see $work/out.log" >&2; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  sleep 5
  # The JVM is the newest descendant of the launcher (a script may exec or fork it).
  jpid=$(pgrep -n -P "$pid" java || echo "$pid")
  rss+=($(awk '/VmRSS/ {print int($2/1024)}' "/proc/$jpid/status"))
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$work"
  echo "run $i: first 200 after ${times[-1]} ms, resident ${rss[-1]} MB" >&2
done
echo "median first 200: $(printf '%s\n' "${times[@]}" | median) ms; median resident after 5 s idle: \
$(printf '%s\n' "${rss[@]}" | median) MB ($runs runs)"
