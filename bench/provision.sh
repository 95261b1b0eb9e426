#!/usr/bin/env bash
# Whole-process benchmark of `dps-agent provision`: wall time and peak RSS of the agent JVM for
# one symmetric-key registration over HTTPS (and MQTT) against a local emulator, N runs each.
# Usage: bench/provision.sh [RUNS]   (default 10). Prints one line per transport: median and max.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
[ -f agent/target/dps-agent.jar ] && [ -f dps-emulator/target/dps-emulator.jar ] \
  || mvn -B -q -ntp -Dstyle.color=never package -DskipTests

work=$(mktemp -d "${TMPDIR:-/tmp}/dps-bench.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
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
bin/dps-emulator --config "$work/emulator.toml" --state "$work/state" --json > "$work/emulator.out" 2> "$work/emulator.log" &
pid=$!
for _ in $(seq 1 300); do grep -q idScope "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
line=$(head -n1 "$work/emulator.out")
field() { printf '%s' "$line" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
printf '%s\n' "$key" > "$work/device.key"

for transport in https mqtt; do
  endpoint=$(field httpsEndpoint); [ "$transport" = mqtt ] && endpoint=$(field mqttEndpoint)
  : > "$work/$transport.times"
  for i in $(seq 1 "$runs"); do
    cat > "$work/config.toml" <<TOML
[provisioning]
global_endpoint = "$endpoint"
id_scope = "$(field idScope)"
transport = "$transport"
trust_bundle = "file://$(field caFile)"
[provisioning.retry]
retry_after_min_seconds = 0
[provisioning.attestation]
method = "symmetric_key"
registration_id = "bench-$transport-$i"
symmetric_key = { uri = "file://$work/device.key" }
[output]
dir = "$work/out"
TOML
    /usr/bin/time -f "%e %M" -o "$work/one" bin/dps-agent provision --config "$work/config.toml" > /dev/null 2>&1
    cat "$work/one" >> "$work/$transport.times"
  done
  sort -n "$work/$transport.times" | awk -v t="$transport" -v n="$runs" '
    { wall[NR] = $1; rss[NR] = $2; if ($2 > maxrss) maxrss = $2; if ($1 > maxwall) maxwall = $1 }
    END { printf "%-5s runs=%d wall median=%.2fs max=%.2fs  peak RSS max=%d MiB\n", t, n, wall[int((n + 1) / 2)], maxwall, maxrss / 1024 }'
done
