#!/usr/bin/env bash
# npm run soak [-- options]: builds the sample app (unless --no-build), raises the
# open-file limit (10,000 connections need as many descriptors on each side) and
# runs soak/soak.soak.ts. Writes soak/results/<date>.json and .md.
#
#   --minutes <n>   stretch the run to about n minutes (up to 30; SOAK_MINUTES)
#   --profile ci    the short run CI does (SOAK_PROFILE=ci)
#   --storm         add the crash and reconnection storm (SOAK_STORM=1)
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
    --no-build) build=0; shift ;;
    *) echo "unknown option: $1 (see soak/run.sh)" >&2; exit 2 ;;
  esac
done

want=32768
hard=$(ulimit -Hn)
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -n "$want"

if [ "$build" = 1 ]; then npm run build --silent; fi
exec node_modules/.bin/vitest run --config soak/vitest.config.ts
