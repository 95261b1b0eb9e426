# Shared by demo.sh and bench/provision.sh, sourced from the repository root: starts the local DPS
# emulator, reads its start-up line, and writes the agent config of a symmetric-key device for it.
# It defines functions only.

# local_dps_start CONFIG DIR: runs bin/dps-emulator on CONFIG in the background, its state, output
# and log in DIR, and waits up to 30 s for its JSON start-up line. Sets local_dps_pid and
# local_dps_startup; fails, showing the emulator's log, when the emulator does not start.
local_dps_start() {
  local config=$1 dir=$2
  bin/dps-emulator --config "$config" --state "$dir/emulator-state" --json \
    > "$dir/emulator.out" 2> "$dir/emulator.log" &
  local_dps_pid=$!
  for _ in $(seq 1 300); do
    grep -q '"idScope"' "$dir/emulator.out" 2>/dev/null && break
    kill -0 "$local_dps_pid" 2>/dev/null || break
    sleep 0.1
  done
  local_dps_startup=$(head -n1 "$dir/emulator.out")
  if [ -z "$local_dps_startup" ]; then
    echo "$0: the DPS emulator did not start (within 30 s); its log:" >&2
    cat "$dir/emulator.log" >&2
    return 1
  fi
}

# local_dps_field NAME: a string field of the start-up line (idScope, httpsEndpoint, mqttEndpoint,
# caFile).
local_dps_field() {
  printf '%s' "$local_dps_startup" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}

# local_dps_agent_config FILE ENDPOINT REGISTRATION_ID KEY_FILE OUT_DIR [PROVISIONING_LINES]:
# writes FILE, the config of a device with the symmetric key in KEY_FILE that registers at ENDPOINT
# of the started emulator, trusting its CA. PROVISIONING_LINES (TOML) end the [provisioning] table.
local_dps_agent_config() {
  cat > "$1" <<TOML
[provisioning]
global_endpoint = "$2"
id_scope = "$(local_dps_field idScope)"
trust_bundle = "file://$(local_dps_field caFile)"
${6:-}
[provisioning.attestation]
method = "symmetric_key"
registration_id = "$3"
symmetric_key = { uri = "file://$4" }

[output]
dir = "$5"
TOML
}
