#!/usr/bin/env bash
# The main job on an embedded default: build, start the local DPS emulator with a generated config,
# provision one device with a symmetric key over HTTPS (real TLS on loopback), print the result.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/local-dps.sh

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "demo.sh: $tool is missing; install openjdk-17-jdk-headless and maven" >&2; exit 2; }
done

echo "== building (mvn -B package -DskipTests)"
mvn -B -q -ntp -Dstyle.color=never package -DskipTests

work=$(mktemp -d "${TMPDIR:-/tmp}/dps-agent-demo.XXXXXX")
local_dps_pid=""
cleanup() {
  if [ -n "$local_dps_pid" ]; then kill "$local_dps_pid" 2>/dev/null || true; wait "$local_dps_pid" 2>/dev/null || true; fi
  if [ "${DEMO_KEEP:-0}" = 1 ]; then echo "== kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
umask 077

registration_id=demo-device-01
device_key=$(head -c 32 /dev/urandom | base64 -w0)

cat > "$work/emulator.toml" <<TOML
[emulator]
https_port = 0                 # any free port
retry_after_seconds = 1

[[linked_hubs]]
host_name = "demo-hub-1.azure-devices.net"
allocation_weight = 1

[[linked_hubs]]
host_name = "demo-hub-2.azure-devices.net"
allocation_weight = 1

[[individual_enrollments]]
registration_id = "$registration_id"
device_id = "demo-gateway"
attestation = { type = "symmetric_key", primary_key = "$device_key" }
TOML

echo "== starting the DPS emulator"
local_dps_start "$work/emulator.toml" "$work"
echo "   $local_dps_startup" | sed 's/SharedAccessKey=[^"]*/SharedAccessKey=<redacted>/'

printf '%s\n' "$device_key" > "$work/device.key"
chmod 600 "$work/device.key"
local_dps_agent_config "$work/config.toml" "$(local_dps_field httpsEndpoint)" "$registration_id" \
  "$work/device.key" "$work/out"

echo "== dps-agent provision --config $work/config.toml"
set +e
bin/dps-agent provision --config "$work/config.toml"
status=$?
set -e
echo "   exit code $status"
[ "$status" = 0 ] || exit "$status"

echo "== $work/out/connection.json"
cat "$work/out/connection.json"
echo "== $work/out/connection-string (key masked here; the file holds it, mode $(stat -c %a "$work/out/connection-string"))"
sed 's/SharedAccessKey=.*/SharedAccessKey=<redacted>/' "$work/out/connection-string"
