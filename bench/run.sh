#!/usr/bin/env bash
# npm run bench [-- options]: raises the open-file limit, builds the library
# and the benchmark, then hands over to the orchestrator (bench/src/orchestrator).
set -euo pipefail
cd "$(dirname "$0")/.."

# 10,000 clients need 10,000 descriptors in the server and as many in the load generator.
want=65535
hard=$(ulimit -Hn)
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -n "$want"
export BENCH_ULIMIT_N="$(ulimit -n)"

build=1
for arg in "$@"; do
  if [ "$arg" = "--no-build" ]; then build=0; fi
done
if [ "$build" = 1 ]; then
  npm run build --silent
  node_modules/.bin/tsc -b bench/tsconfig.json
fi

exec node bench/dist/orchestrator/bench.main.js "$@"
