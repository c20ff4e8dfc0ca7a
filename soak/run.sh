#!/usr/bin/env bash
# npm run soak [-- options]: builds the sample app (unless --no-build), raises the
# open-file limit (10,000 connections need as many descriptors on each side) and
# runs soak/soak.soak.ts. Writes soak/results/<date>.json and .md.
#
#   --minutes <n>   stretch the run to about n minutes (up to 30; SOAK_MINUTES)
#   --profile ci    the short run CI does (SOAK_PROFILE=ci)
#   --storm         add the crash and reconnection storms of 2,000 and 5,000 client-SDK clients (SOAK_STORM=1)
#   --storm-clients <n[,n]>  storm sizes instead (SOAK_STORM_CLIENTS, e.g. 2000)
#   --only <words>  run only the phases whose name contains the words (SOAK_ONLY); `--only storm` runs
#                   just the storms (a server warm-up first, a few minutes in all)
#   --no-cluster    leave out the cluster faults (SOAK_CLUSTER=0): Redis SIGKILLed and restarted during a
#                   cross-node stream, then a node SIGKILLed, each on a cluster of its own (a redis-server and
#                   3 sample-app nodes; about a minute); `--cluster` adds them where the profile has them off;
#                   `--only cluster` runs just them
#   --no-build      use the current build
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) export SOAK_MINUTES="$2"; shift 2 ;;
    --minutes=*) export SOAK_MINUTES="${1#*=}"; shift ;;
    --profile) export SOAK_PROFILE="$2"; shift 2 ;;
    --profile=*) export SOAK_PROFILE="${1#*=}"; shift ;;
    --storm) export SOAK_STORM=1; shift ;;
    --storm-clients) export SOAK_STORM_CLIENTS="$2"; shift 2 ;;
    --storm-clients=*) export SOAK_STORM_CLIENTS="${1#*=}"; shift ;;
    --only) export SOAK_ONLY="$2"; shift 2 ;;
    --only=*) export SOAK_ONLY="${1#*=}"; shift ;;
    --cluster) export SOAK_CLUSTER=1; shift ;;
    --no-cluster) export SOAK_CLUSTER=0; shift ;;
    --no-build) build=0; shift ;;
    *) echo "unknown option: $1 (see soak/run.sh)" >&2; exit 2 ;;
  esac
done

want=32768
hard=$(ulimit -Hn)
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -n "$want"

if [ "$build" = 1 ]; then npm run build --silent; fi
filter=()
if [ -n "${SOAK_ONLY:-}" ]; then filter=(-t "$SOAK_ONLY"); fi
exec node_modules/.bin/vitest run --config soak/vitest.config.ts ${filter[@]+"${filter[@]}"}
