#!/usr/bin/env bash
# Whole-process benchmark of `dps-agent provision`: wall time and peak RSS of the agent JVM for
# one symmetric-key registration over HTTPS (and MQTT) against a local emulator, N runs each.
# Usage: bench/provision.sh [RUNS]   (default 10). Prints one line per transport: median and max.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/local-dps.sh
runs=${1:-10}
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
[ -f agent/target/dps-agent.jar ] && [ -f dps-emulator/target/dps-emulator.jar ] \
  || mvn -B -q -ntp -Dstyle.color=never package -DskipTests

work=$(mktemp -d "${TMPDIR:-/tmp}/dps-bench.XXXXXX")
local_dps_pid=""
trap '[ -n "$local_dps_pid" ] && kill "$local_dps_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
umask 077
key=$(head -c 32 /dev/urandom | base64 -w0)
{
  echo '[emulator]'
  echo 'retry_after_seconds = 0'
  for i in $(seq 1 "$runs"); do
    for t in https mqtt; do
      printf '[[individual_enrollments]]\nregistration_id = "bench-%s-%s"\nattestation = { type = "symmetric_key", primary_key = "%s" }\n' "$t" "$i" "$key"
    done
  done
} > "$work/emulator.toml"
local_dps_start "$work/emulator.toml" "$work"
printf '%s\n' "$key" > "$work/device.key"

for transport in https mqtt; do
  endpoint=$(local_dps_field httpsEndpoint)
  [ "$transport" = mqtt ] && endpoint=$(local_dps_field mqttEndpoint)
  : > "$work/$transport.times"
  for i in $(seq 1 "$runs"); do
    local_dps_agent_config "$work/config.toml" "$endpoint" "bench-$transport-$i" "$work/device.key" \
      "$work/out" "$(printf 'transport = "%s"\n[provisioning.retry]\nretry_after_min_seconds = 0' "$transport")"
    /usr/bin/time -f "%e %M" -o "$work/one" bin/dps-agent provision --config "$work/config.toml" > /dev/null 2>&1
    cat "$work/one" >> "$work/$transport.times"
  done
  sort -n "$work/$transport.times" | awk -v t="$transport" -v n="$runs" '
    { wall[NR] = $1; rss[NR] = $2; if ($2 > maxrss) maxrss = $2; if ($1 > maxwall) maxwall = $1 }
    END { printf "%-5s runs=%d wall median=%.2fs max=%.2fs  peak RSS max=%d MiB\n", t, n, wall[int((n + 1) / 2)], maxwall, maxrss / 1024 }'
done
