#!/bin/bash
# Time from process start to the first 200 answer of GET /_matrix/client/versions, median of N runs.
#
#   startup-time.sh RUNS COMMAND [ARGS...]
#
# COMMAND is started RUNS times, each time with `--config FILE` appended, FILE naming a fresh data
# folder and loopback ports; after the first 200 the process gets SIGTERM and is waited for. The poll
# interval is 10 ms, so a figure can be up to ~10 ms late. Prints each run and the median, in ms.
set -euo pipefail

runs=$1
shift
port=${MYELIN_BENCH_PORT:-18008}
times=()

for ((i = 1; i <= runs; i++)); do
    work=$(mktemp -d)
    cat > "$work/myelin.yaml" <<YAML
version: 1
server:
  name: localhost
  data_dir: $work/data
listeners:
  client:
    host: 127.0.0.1
    port: $port
  federation:
    host: 127.0.0.1
    port: $((port + 1))
    plain_http: true
YAML
    start=$(date +%s%N)
    "$@" --config "$work/myelin.yaml" > "$work/log" 2>&1 &
    pid=$!
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/_matrix/client/versions")" = 200 ]; do
        if ! kill -0 "$pid" 2> /dev/null; then
            echo "server exited before answering; log:" >&2
            cat "$work/log" >&2
            exit 1
        fi
        sleep 0.01
    done
    end=$(date +%s%N)
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    ms=$(((end - start) / 1000000))
    echo "run $i: ${ms} ms (exit status $status)"
    times+=("$ms")
    rm -rf "$work"
done

sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "median: ${sorted[$((runs / 2))]} ms"
