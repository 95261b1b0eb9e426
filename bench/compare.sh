#!/usr/bin/env bash
# bench/compare.sh: dps-agent against the official Azure DPS device SDKs, side by side, in one run.
#
# Installs the official Node device SDK (npm, versions pinned in bench/node/package-lock.json) and the
# official Java device SDK (provisioning-device-client, the version the interop tests pin, built into
# bench/java/target/bench.jar by Maven), starts the local emulator on a loopback address of its own at
# the standard ports (the SDKs dial 443 and 8883), and runs ours and theirs alternately, a fresh process
# each time: wall time, CPU (user + sys) and peak RSS of the whole process from GNU time. Then the
# floors, `status` and `check`, the daemon at idle and the emulator's capacity. Prints median and
# spread and every target of docs/benchmarks.md as met or not met.
#
# Usage: bench/compare.sh [--runs N] [--idle-minutes M] [--cases "https mqtt x509 tpm"]
#                         [--no-idle] [--no-capacity] [--no-floors] [--jdk25 JAVA_HOME] [--log FILE]
#                         [--variant "LABEL=JVM FLAGS"]...   (launcher flags to compare: HTTPS and idle)
#                         [--agent-jar "LABEL=JAR"]...  (another build of the agent, e.g. the one before a
#                                                        change: extra rows of the HTTPS, MQTT, X.509 cases)
#                         [--classes] (count the classes one provisioning run loads, by library)
#                         [--no-status] (skip the status and check rows)
#                         [--capacity-before] (the emulator's capacity also with the JDK-TLS load generator)
#                         [--idle-without-tls] (two more idle daemons that never make a TLS connection:
#                                               cached set, hub not verified; with and without the archive)
# The idle daemons: the launcher's (which serves from a fresh JVM once its outputs are in place), the
# same in one JVM (DPS_AGENT_LEAN_RESTART=off), one per --variant and per other build.
# Only the emulator's capacity: --cases "" --no-idle --no-floors --no-status
# Only the idle daemon (after the one provisioning run that makes the class-data archive):
#   --cases "" --no-floors --no-status --no-capacity --jdk25 "" [--idle-minutes 10]
# Defaults: 10 runs per case, a 2-minute idle window (the target is stated for 10: --idle-minutes 10).
# It takes about 8 minutes with the defaults on 2 vCPUs (each step is bounded; see docs/benchmarks.md).
# Needs root (or CAP_NET_BIND_SERVICE) for port 443, GNU time, node/npm, openssl, swtpm for tpm.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

runs=10 idle_minutes=2 cases="https mqtt x509 tpm" idle=1 capacity=1 capacity_before=0 floors=1 log="" classes=0 status=1
idle_no_tls=0
jars=() # "LABEL=JAR": other builds of the agent, run alternately with this one
variants=() # "LABEL=JVM FLAGS": extra rows of the HTTPS case and extra daemons, with these launcher flags
jdk25=""
for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64; do
  [ -x "$candidate/bin/java" ] && { jdk25=$candidate; break; }
done
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --idle-minutes) idle_minutes=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --no-idle) idle=0; shift ;;
    --no-capacity) capacity=0; shift ;;
    --capacity-before) capacity_before=1; shift ;;
    --no-floors) floors=0; shift ;;
    --jdk25) jdk25=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --variant) variants+=("$2"); shift 2 ;;
    --agent-jar) jars+=("$2"); shift 2 ;;
    --classes) classes=1; shift ;;
    --no-status) status=0; shift ;;
    --idle-without-tls) idle_no_tls=1; shift ;;
    *) echo "usage: bench/compare.sh [--runs N] [--idle-minutes M] [--cases LIST] [--no-idle]" \
         "[--no-capacity] [--capacity-before] [--no-floors] [--no-status] [--classes] [--idle-without-tls]" \
         "[--jdk25 JAVA_HOME] [--log FILE]" \
         "[--variant LABEL=FLAGS]... [--agent-jar LABEL=JAR]..." >&2; exit 2 ;;
  esac
done
[ -n "$log" ] && exec > >(tee "$log")

need() { command -v "$1" >/dev/null || { echo "bench: needs $1 ($2)" >&2; exit 2; }; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
need java "a JDK 17"; need node "apt-get install nodejs npm"; need npm "apt-get install npm"
need openssl "apt-get install openssl"
case " $cases " in *" tpm "*) need swtpm "apt-get install swtpm swtpm-tools" ;; esac

# --- build and install -------------------------------------------------------------------------
step() { printf '\n== %s\n' "$*"; }
step "build"
if [ ! -f agent/target/dps-agent.jar ] || [ ! -f dps-emulator/target/dps-emulator.jar ]; then
  mvn -B -ntp -q -o package -DskipTests || mvn -B -ntp -q package -DskipTests
fi
if [ ! -f bench/java/target/bench.jar ] || [ -n "$(find bench/java/src bench/java/pom.xml -newer bench/java/target/bench.jar)" ]; then
  mvn -B -ntp -q -o -f bench/java/pom.xml package || mvn -B -ntp -q -f bench/java/pom.xml package
fi
if [ ! -d bench/node/node_modules ] || [ bench/node/package-lock.json -nt bench/node/node_modules ]; then
  (cd bench/node && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi
agent_jar=$root/agent/target/dps-agent.jar
bench_jar=$root/bench/java/target/bench.jar
# The launcher's own JVM flags, so the Java SDK and the floors run under the same ones.
java_flags=$(sed -n 's/^default_flags="\(.*\)"$/\1/p' bin/dps-agent)
echo "java: $(java -version 2>&1 | sed -n 2p); launcher flags: $java_flags"
echo "machine: $(nproc) vCPU, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(. /etc/os-release && echo "$PRETTY_NAME")"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

work=$(mktemp -d "${TMPDIR:-/tmp}/dps-compare.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/swtpm.pid" ] && kill "$(cat "$work/swtpm.pid")" 2>/dev/null || true
  # Each by its id: a bare `wait` also waits for --log's tee, which waits for this script to exit.
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
umask 077
mkdir -p "$work/m"

# --- the devices -------------------------------------------------------------------------------
key=$(head -c 32 /dev/urandom | base64 -w0); printf '%s\n' "$key" > "$work/device.key"
group_key=$(head -c 32 /dev/urandom | base64 -w0); printf '%s\n' "$group_key" > "$work/group.key"
# X.509: a CA the emulator enrols as a group, a device leaf (EC P-256) issued by it.
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$work/ca.key"
openssl req -x509 -new -key "$work/ca.key" -subj "/CN=bench-ca" -days 2 -out "$work/ca.pem" \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$work/x509.key"
openssl req -new -key "$work/x509.key" -subj "/CN=bench-x509" -out "$work/x509.csr" 2>/dev/null
printf 'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > "$work/leaf.ext"
openssl x509 -req -in "$work/x509.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
  -extfile "$work/leaf.ext" -out "$work/x509.pem" 2>/dev/null
cat "$work/x509.pem" > "$work/x509-chain.pem"

tpm_enrollment=""
if [[ " $cases " == *" tpm "* ]]; then
  step "swtpm"
  mkdir -p "$work/tpm"
  swtpm_setup --tpm2 --tpmstate "$work/tpm" --create-ek-cert --overwrite \
    --config /etc/swtpm_setup.conf >/dev/null 2>&1 || true
  tpm_port=$((20000 + RANDOM % 20000))
  swtpm socket --tpm2 --server type=tcp,port=$tpm_port,bindaddr=127.0.0.1 \
    --ctrl type=tcp,port=$((tpm_port + 1)),bindaddr=127.0.0.1 --tpmstate dir="$work/tpm" \
    --flags not-need-init,startup-clear --pid file="$work/swtpm.pid" --daemon
fi

# --- agent configs -----------------------------------------------------------------------------
agent_config() { # NAME TRANSPORT ENDPOINT METHOD-LINES
  cat > "$work/$1.toml" <<TOML
[provisioning]
global_endpoint = "$3"
id_scope = "$id_scope"
transport = "$2"
trust_bundle = "file://$ca_file"
[provisioning.retry]
retry_after_min_seconds = 0
[provisioning.attestation]
$4
[tpm]
tcti = "swtpm:host=127.0.0.1,port=${tpm_port:-2321}"
[output]
dir = "$work/out-$1"
token_dir = "$work/run-$1"
token_ttl_seconds = 60
TOML
}
sym_lines() { printf 'method = "symmetric_key"\nregistration_id = "%s"\nsymmetric_key = { uri = "file://%s" }\n' "$1" "$work/device.key"; }
x509_lines='method = "x509"
identity_cert = { uri = "file://'$work'/x509-chain.pem" }
identity_pk = { uri = "file://'$work'/x509.key" }'
tpm_lines='method = "tpm"'

if [[ " $cases " == *" tpm "* ]]; then
  id_scope=0ne00000000 ca_file=$work/ca.pem
  agent_config tpm-identity https https://127.0.0.1:1 "$tpm_lines"
  bin/dps-agent tpm identity --config "$work/tpm-identity.toml" --json > "$work/tpm-identity.json"
  tpm_id=$(sed -n 's/.*"registrationId" *: *"\([^"]*\)".*/\1/p' "$work/tpm-identity.json" | head -1)
  tpm_ek=$(tr -d '\n ' < "$work/tpm-identity.json" | sed -n 's/.*"endorsementKey":"\([^"]*\)".*/\1/p')
  [ -n "$tpm_id" ] && [ -n "$tpm_ek" ] || { echo "bench: no TPM identity: $(cat "$work/tpm-identity.json")" >&2; exit 1; }
  tpm_enrollment=$(printf '[[individual_enrollments]]\nregistration_id = "%s"\nattestation = { type = "tpm", endorsement_key = "%s" }\n' "$tpm_id" "$tpm_ek")
fi

# --- emulators ---------------------------------------------------------------------------------
# NAME MQTT_REPLY_DELAY_MS: on 127.x.y.z:443 and :8883, where the SDKs look; a few addresses are drawn.
start_emulator() {
  local name=$1 delay=$2 attempt address
  for attempt in 1 2 3 4 5; do
    address=127.$((RANDOM % 254 + 1)).$((RANDOM % 256)).$((RANDOM % 254 + 1))
    {
      printf '[emulator]\nhost = "%s"\nbind_address = "%s"\nhttps_port = 443\nmqtt_port = 8883\n' "$address" "$address"
      printf 'retry_after_seconds = 0\nmqtt_reply_delay_ms = %s\nhub_mqtt_port = 8884\n' "$delay"
      # The hub is named by the emulator's own address, so that it listens where a device can reach
      # it (the idle daemons verify it and refresh its token); 8883 there is DPS's MQTT port.
      printf '[[linked_hubs]]\nhost_name = "%s"\n' "$address"
      printf '[[enrollment_groups]]\nenrollment_group_id = "load"\nattestation = { type = "symmetric_key", primary_key = "%s" }\n' "$group_key"
      printf '[[enrollment_groups]]\nenrollment_group_id = "x509"\nattestation = { type = "x509", certificate = "%s" }\n' "$work/ca.pem"
      for id in ours node java; do
        printf '[[individual_enrollments]]\nregistration_id = "bench-%s"\nattestation = { type = "symmetric_key", primary_key = "%s" }\n' "$id" "$key"
      done
      printf '%s\n' "$tpm_enrollment"
    } > "$work/$name.toml"
    bin/dps-emulator --config "$work/$name.toml" --state "$work/$name-state" --json \
      > "$work/$name.out" 2> "$work/$name.log" &
    local pid=$!
    for _ in $(seq 1 300); do
      grep -q idScope "$work/$name.out" 2>/dev/null && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.1
    done
    if grep -q idScope "$work/$name.out" 2>/dev/null; then
      pids+=("$pid"); eval "${name}_pid=$pid ${name}_address=$address"
      return 0
    fi
    kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  done
  echo "bench: the emulator did not start: $(tail -3 "$work/$name.log")" >&2; exit 1
}
field() { sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" "$work/$1.out"; }

step "emulators"
start_emulator emu 0
# The Java SDK over MQTT loses a reply that comes before it waits for it (see docs/interop.md) and
# then sleeps 60 s: it gets its own emulator that holds MQTT replies back 200 ms, as a network would.
[[ " $cases " == *" mqtt "* ]] && start_emulator emuslow 200
id_scope=$(field emu idScope) ca_file=$(field emu caFile)
https_endpoint=$(field emu httpsEndpoint) mqtt_endpoint=$(field emu mqttEndpoint)
echo "emulator: $https_endpoint $mqtt_endpoint scope $id_scope"

agent_config https https "$https_endpoint" "$(sym_lines bench-ours)"
agent_config mqtt mqtt "$mqtt_endpoint" "$(sym_lines bench-ours)"
agent_config x509 https "$https_endpoint" "$x509_lines"
agent_config tpm https "$https_endpoint" "$tpm_lines"
chmod 600 "$work"/*.key

# --- measuring ---------------------------------------------------------------------------------
# measure LABEL COMMAND...: one run; appends "wall cpu rss_kib" to $work/m/LABEL, or counts a failure.
measure() {
  local label=$1; shift
  if timeout -k 5 120 /usr/bin/time -f "%e %U %S %M" -o "$work/one" "$@" > "$work/last.out" 2> "$work/last.err"; then
    tail -n1 "$work/one" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' >> "$work/m/$label"
  else
    echo "  $label failed: $(tail -n2 "$work/last.err" "$work/last.out" | tr '\n' ' ' | cut -c1-300)"
    echo x >> "$work/m/$label.failed"
  fi
}
# GNU time runs programs, not shell functions: each client is a plain command line.
java_sdk=(java $java_flags -cp "$bench_jar" io.dpsagent.bench.JavaSdkProvision)
node_sdk=(env NODE_EXTRA_CA_CERTS="$ca_file" node "$root/bench/node/provision.js")
# agent NAME [ENV=VALUE...]: a cold `provision` into an empty output directory. A device's
# class-data archive is made by its own first provision, with its own transport and attestation:
# each case but HTTPS runs with an archive of its own (per build), made by the warm-up run of that
# case; HTTPS keeps the default one beside the jar, which the idle daemons use too.
agent() {
  local name=$1 build=ours arg cds=(); shift; rm -rf "$work/out-$name"
  for arg; do case $arg in DPS_AGENT_JAR=*/jar-*) build=${arg#*/jar-}; build=${build%%/*} ;; esac; done
  if [ "$name" != https ]; then
    mkdir -p "$work/cds-$build-$name"; cds=("DPS_AGENT_CDS_DIR=$work/cds-$build-$name")
  fi
  measure "$label" env "${cds[@]}" "$@" "$root/bin/dps-agent" provision --config "$work/$name.toml"
}
# JDK 25's AOT cache (classes loaded and linked, profiles), made by its two-step workflow; the
# launcher does not use it (its recording run prints to stdout), so it is run here by hand.
aot25_record() {
  rm -rf "$work/out-https"
  "$jdk25/bin/java" $java_flags -XX:AOTMode=record -XX:AOTConfiguration="$work/aot25.conf" \
    -jar "$agent_jar" provision --config "$work/https.toml" \
    && "$jdk25/bin/java" $java_flags -XX:AOTMode=create -XX:AOTConfiguration="$work/aot25.conf" \
      -XX:AOTCache="$work/aot25.aot" -jar "$agent_jar"
}

# stats LABEL: "n median_wall min max median_cpu min max median_rss_mib max"
stats() {
  local f=$work/m/$1
  [ -s "$f" ] || { echo "0"; return; }
  awk '{ print $1 }' "$f" | sort -g > "$work/w"; awk '{ print $2 }' "$f" | sort -g > "$work/c"
  awk '{ print $3 }' "$f" | sort -g > "$work/r"
  med() { awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }' "$1"; }
  printf '%s %s %s %s %s %s %s %s %s\n' "$(wc -l < "$f")" \
    "$(med "$work/w")" "$(head -1 "$work/w")" "$(tail -1 "$work/w")" \
    "$(med "$work/c")" "$(head -1 "$work/c")" "$(tail -1 "$work/c")" \
    "$(med "$work/r" | awk '{ printf "%.0f", $1 / 1024 }')" "$(tail -1 "$work/r" | awk '{ printf "%.0f", $1 / 1024 }')"
}
row() { # LABEL DESCRIPTION
  local s; s=($(stats "$1"))
  local failed=0; [ -f "$work/m/$1.failed" ] && failed=$(wc -l < "$work/m/$1.failed")
  if [ "${s[0]}" = 0 ]; then printf '| %-52s | no successful run (%s failed) |\n' "$2" "$failed"; return; fi
  printf '| %-52s | %2s | %5.2f s (%.2f–%.2f) | %5.2f s (%.2f–%.2f) | %4s MiB (max %s) |%s\n' "$2" "${s[0]}" \
    "${s[1]}" "${s[2]}" "${s[3]}" "${s[4]}" "${s[5]}" "${s[6]}" "${s[7]}" "${s[8]}" \
    "$([ "$failed" -gt 0 ] && echo " $failed failed")"
}
header() { printf '| %-52s | n | wall median (min–max) | CPU median (min–max) | peak RSS median |\n|---|---|---|---|---|\n' client; }
median_of() { local s; s=($(stats "$1")); [ "${s[0]}" = 0 ] && echo "" || echo "${s[$2]}"; }
verdicts=()
# target TEXT OURS_LABEL THEIRS_LABEL COLUMN(1 wall,4 cpu,7 rss) LIMIT
target() {
  local a b ratio verdict
  a=$(median_of "$2" "$4"); b=$(median_of "$3" "$4")
  if [ -z "$a" ] || [ -z "$b" ]; then verdicts+=("$1: not measured"); return; fi
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
  verdict=$(awk -v r="$ratio" -v l="$5" 'BEGIN { print (r <= l) ? "met" : "not met" }')
  verdicts+=("$1: $ratio× (limit ${5}×) — $verdict")
}
absolute() { # TEXT VALUE UNIT LIMIT [ge]
  local verdict
  if [ -z "$2" ]; then verdicts+=("$1: not measured"); return; fi
  local op="≤"; [ -n "${5:-}" ] && op="≥"
  verdict=$(awk -v v="$2" -v l="$4" -v ge="${5:-}" 'BEGIN { ok = ge ? v >= l : v <= l; print ok ? "met" : "not met" }')
  verdicts+=("$1: $2 $3 (limit $op $4 $3) — $verdict")
}

# --- provisioning cases ------------------------------------------------------------------------
# The first run of the launcher builds its class-data archive (see bin/dps-agent): not a cold run
# to compare, so it happens before the measured ones.
step "warm-up (the agent's class-data archive, the JDK 25 AOT cache)"
label=warm-up agent https
[ -s "$work/m/warm-up" ] || { echo "bench: the agent cannot provision (above)"; exit 1; }
# Each other build runs from a directory of its own, where the launcher keeps its archive.
for j in "${jars[@]}"; do
  mkdir -p "$work/jar-${j%%=*}"; cp "${j#*=}" "$work/jar-${j%%=*}/dps-agent.jar"
  label="warm-up-${j%%=*}" agent https DPS_AGENT_JAR="$work/jar-${j%%=*}/dps-agent.jar"
done
# The SSLSocket floor also runs with a class-data archive of its own, made the way the launcher
# makes the agent's: without one, the floor is a JVM client that leaves start-up on the table.
# The X.509 case gets its own floor: the same GET presenting the device's certificate, whose
# handshake also signs with the device's key.
floor_get=(io.dpsagent.bench.HttpsGetFloor sslsocket "$https_endpoint/" "$ca_file")
floor_x509_get=("${floor_get[@]}" "$work/x509-chain.pem" "$work/x509.key")
# floor_archive NAME ARGS...: dumps NAME.jsa from one run of ARGS; prints the flags that map it.
floor_archive() {
  local name=$1; shift
  java $java_flags -XX:DumpLoadedClassList="$work/$name.classes" -cp "$bench_jar" "$@" > /dev/null \
    && java $java_flags -Xshare:dump -XX:SharedClassListFile="$work/$name.classes" \
      -XX:SharedArchiveFile="$work/$name.jsa" -cp "$bench_jar" > /dev/null 2>&1 \
    && echo "-XX:SharedArchiveFile=$work/$name.jsa -Xlog:cds=off"
}
floor_flags="" floor_x509_flags=""
if [ "$floors" = 1 ]; then
  [[ " $cases " == *" https "* ]] && floor_flags=$(floor_archive floor "${floor_get[@]}" || true)
  [[ " $cases " == *" x509 "* ]] && floor_x509_flags=$(floor_archive floor-x509 "${floor_x509_get[@]}" || true)
fi
if [ -n "$jdk25" ]; then
  label=warm-up-jdk25 agent https PATH="$jdk25/bin:$PATH"
  aot25_record > /dev/null 2>&1 || jdk25=""
fi

for case_name in $cases; do
  step "case $case_name: $runs alternating runs"
  if [ "$case_name" != https ]; then # the case's own class-data archive (see agent)
    label="warm-up-$case_name" agent "$case_name"
    for j in "${jars[@]}"; do
      label="warm-up-${j%%=*}-$case_name" agent "$case_name" DPS_AGENT_JAR="$work/jar-${j%%=*}/dps-agent.jar"
    done
  fi
  for i in $(seq 1 "$runs"); do
    case $case_name in
      https)
        label=ours-https agent https
        measure node-https "${node_sdk[@]}" http "$emu_address" "$id_scope" symmetric bench-node "$work/device.key"
        measure java-https "${java_sdk[@]}" https "$emu_address" "$id_scope" "$ca_file" symmetric bench-java "$work/device.key"
        label=ours-https-nocds agent https DPS_AGENT_CDS=off
        if [ -n "$jdk25" ]; then
          label=ours-https-jdk25 agent https PATH="$jdk25/bin:$PATH"
          rm -rf "$work/out-https"
          measure ours-https-aot25 "$jdk25/bin/java" $java_flags -XX:AOTCache="$work/aot25.aot" -Xlog:aot=off -Xlog:cds=off \
            -jar "$agent_jar" provision --config "$work/https.toml"
        fi
        if [ "$floors" = 1 ]; then
          measure floor-urlconnection java $java_flags -cp "$bench_jar" io.dpsagent.bench.HttpsGetFloor urlconnection "$https_endpoint/" "$ca_file"
          measure floor-httpclient java $java_flags -cp "$bench_jar" io.dpsagent.bench.HttpsGetFloor httpclient "$https_endpoint/" "$ca_file"
          measure floor-sslsocket java $java_flags -cp "$bench_jar" "${floor_get[@]}"
          [ -n "$floor_flags" ] && measure floor-sslsocket-cds java $java_flags $floor_flags -cp "$bench_jar" "${floor_get[@]}"
          measure floor-empty java $java_flags -cp "$bench_jar" io.dpsagent.bench.EmptyMain
        fi
        for v in "${variants[@]}"; do
          label="variant-${v%%=*}" agent https DPS_AGENT_JAVA_OPTS="${v#*=}"
        done
        for j in "${jars[@]}"; do
          label="jar-${j%%=*}-https" agent https DPS_AGENT_JAR="$work/jar-${j%%=*}/dps-agent.jar"
        done ;;
      mqtt)
        label=ours-mqtt agent mqtt
        measure node-mqtt "${node_sdk[@]}" mqtt "$emu_address" "$id_scope" symmetric bench-node "$work/device.key"
        measure java-mqtt "${java_sdk[@]}" mqtt "$emuslow_address" "$(field emuslow idScope)" "$(field emuslow caFile)" symmetric bench-java "$work/device.key"
        for j in "${jars[@]}"; do
          label="jar-${j%%=*}-mqtt" agent mqtt DPS_AGENT_JAR="$work/jar-${j%%=*}/dps-agent.jar"
        done ;;
      x509)
        label=ours-x509 agent x509
        measure node-x509 "${node_sdk[@]}" http "$emu_address" "$id_scope" x509 "$work/x509-chain.pem" "$work/x509.key"
        measure java-x509 "${java_sdk[@]}" https "$emu_address" "$id_scope" "$ca_file" x509 "$work/x509-chain.pem" "$work/x509.key"
        [ -n "$floor_x509_flags" ] && measure floor-x509-cds java $java_flags $floor_x509_flags -cp "$bench_jar" "${floor_x509_get[@]}"
        for j in "${jars[@]}"; do
          label="jar-${j%%=*}-x509" agent x509 DPS_AGENT_JAR="$work/jar-${j%%=*}/dps-agent.jar"
        done ;;
      tpm)
        label=ours-tpm agent tpm
        measure node-tpm "${node_sdk[@]}" http "$emu_address" "$id_scope" tpm "$tpm_port" ;;
    esac
  done
done

# --- classes loaded ----------------------------------------------------------------------------
# One provisioning run per build and case with -Xlog:class+load: how many classes, how many of them
# from the class-data archives, and what the heavy libraries cost.
census_lines=()
census() { # CASE JARLABEL [ENV=VALUE...]
  local case_name=$1 jar_label=$2 file=$work/classes-$1-$2.log; shift 2
  rm -rf "$work/out-$case_name"
  env "$@" DPS_AGENT_JAVA_OPTS="$java_flags -Xlog:class+load=info:file=$file" \
    "$root/bin/dps-agent" provision --config "$work/$case_name.toml" > /dev/null 2>&1 || true
  count() { grep -c -E "$1" "$file" || true; }
  census_lines+=("$(printf '%-14s %-5s classes %5s (archived %5s) | java.net.http %3s | BouncyCastle %3s | picocli %3s | Jackson %3s (databind %3s) | JSSE+certpath %3s' \
    "$jar_label" "$case_name" "$(count ' source: ')" "$(count 'source: shared objects file')" \
    "$(count ' (java\.net\.http|jdk\.internal\.net\.http)\.')" "$(count ' org\.bouncycastle\.')" \
    "$(count ' picocli\.')" "$(count ' com\.fasterxml\.jackson\.')" "$(count ' com\.fasterxml\.jackson\.databind\.')" \
    "$(count ' sun\.security\.(ssl|provider\.certpath|x509|util|ec)\.')")")
}
if [ "$classes" = 1 ]; then
  step "classes loaded by one provisioning run"
  for case_name in $cases; do
    case $case_name in https|x509) ;; *) continue ;; esac
    census "$case_name" this
    for j in "${jars[@]}"; do census "$case_name" "${j%%=*}" DPS_AGENT_JAR="$work/jar-${j%%=*}/dps-agent.jar"; done
  done
fi

# --- status and check --------------------------------------------------------------------------
if [ "$status" = 1 ]; then
  step "status and check: $runs alternating runs"
  label=status-setup agent https
  for i in $(seq 1 "$runs"); do
    measure status bin/dps-agent status --config "$work/https.toml"
    measure check-offline bin/dps-agent check --offline --user "$(id -un)" --config "$work/https.toml"
  done
fi

# --- daemon idle -------------------------------------------------------------------------------
idle_report=() idle_rss="" idle_cpu=""
if [ "$idle" = 1 ]; then
  step "daemon idle: ${idle_minutes} min with the hub token refreshing (60 s tokens), one daemon per flag set"
  daemons=() names=()
  idle_config() { # NAME: the HTTPS config with outputs of its own
    sed "s#$work/out-https#$work/out-idle-$1#; s#$work/run-https#$work/run-idle-$1#" "$work/https.toml" > "$work/idle-$1.toml"
    printf '[hub]\nport = 8884\nca_file = "file://%s"\n' "$ca_file" >> "$work/idle-$1.toml"
  }
  for v in "launcher=" "${variants[@]}"; do
    name=${v%%=*} opts=${v#*=}
    idle_config "$name"
    if [ -n "$opts" ]; then
      DPS_AGENT_JAVA_OPTS=$opts bin/dps-agent run --config "$work/idle-$name.toml" > "$work/daemon-$name.log" 2>&1 &
    else
      bin/dps-agent run --config "$work/idle-$name.toml" > "$work/daemon-$name.log" 2>&1 &
    fi
    daemons+=($!); names+=("$name"); pids+=($!)
  done
  idle_config one-jvm
  DPS_AGENT_LEAN_RESTART=off bin/dps-agent run --config "$work/idle-one-jvm.toml" > "$work/daemon-one-jvm.log" 2>&1 &
  daemons+=($!); names+=(one-jvm); pids+=($!)
  # Each other build with the launcher's own flags, from its directory (where its archive is).
  for j in "${jars[@]}"; do
    name="jar-${j%%=*}"
    idle_config "$name"
    DPS_AGENT_JAR="$work/jar-${j%%=*}/dps-agent.jar" bin/dps-agent run --config "$work/idle-$name.toml" \
      > "$work/daemon-$name.log" 2>&1 &
    daemons+=($!); names+=("$name"); pids+=($!)
  done
  # What the daemon would weigh serving from a JVM that never made a TLS connection: its assignment
  # made by a `provision` run first (the cached set), its hub not verified; with the class-data
  # archive and without (docs/benchmarks.md, "Daemon idle without TLS").
  if [ "$idle_no_tls" = 1 ]; then
    for v in "no-tls=" "no-tls-no-cds=DPS_AGENT_CDS=off"; do
      name=${v%%=*}
      idle_config "$name"
      printf 'verify = false\n' >> "$work/idle-$name.toml" # still in the [hub] table
      timeout 120 bin/dps-agent provision --config "$work/idle-$name.toml" > /dev/null 2>&1 \
        || echo "bench: $name: provision failed"
      env DPS_AGENT_LEAN_RESTART=off ${v#*=} bin/dps-agent run --config "$work/idle-$name.toml" \
        > "$work/daemon-$name.log" 2>&1 &
      daemons+=($!); names+=("$name"); pids+=($!)
    done
  fi
  for n in "${names[@]}"; do
    for _ in $(seq 1 600); do [ -s "$work/run-idle-$n/hub-token" ] && break; sleep 0.1; done
    [ -s "$work/run-idle-$n/hub-token" ] || echo "bench: daemon $n wrote no token: $(tail -3 "$work/daemon-$n.log")"
  done
  ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
  # The daemons that serve from a fresh JVM restart once their outputs have been in place for 30 s
  # without a request (a build before that change never does); the idle window starts after that,
  # or after 45 s. CPU of the restart: from before it to the settled new JVM (a process's CPU times
  # go on across an exec).
  replaced() { tr '\0' '\n' < "/proc/$1/environ" 2>/dev/null | grep -q '^DPS_AGENT_HANDOVER='; }
  restart_cpu=()
  for d in "${daemons[@]}"; do restart_cpu+=("$(ticks "$d")"); done
  for _ in $(seq 1 450); do
    waiting=0
    for k in "${!daemons[@]}"; do
      [ "${names[$k]}" = one-jvm ] || [ "${names[$k]#no-tls}" != "${names[$k]}" ] || replaced "${daemons[$k]}" \
        || waiting=1
    done
    [ "$waiting" = 0 ] && break
    sleep 0.1
  done
  sleep 5 # settle after start-up
  for k in "${!daemons[@]}"; do
    d=${daemons[$k]}
    if replaced "$d"; then
      restart_cpu[$k]=$(awk -v a="${restart_cpu[$k]}" -v b="$(ticks "$d")" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "JVM replaced (restart: %.2f s CPU)", (b - a) / hz }')
    else
      restart_cpu[$k]="one JVM"
    fi
  done
  t0=(); for d in "${daemons[@]}"; do t0+=("$(ticks "$d")"); done; s0=$(date +%s.%N)
  token0=$(stat -c %Y "$work/run-idle-launcher/hub-token" 2>/dev/null || echo 0)
  sleep $((idle_minutes * 60))
  s1=$(date +%s.%N)
  for k in "${!daemons[@]}"; do
    d=${daemons[$k]}
    cpu=$(awk -v a="${t0[$k]}" -v b="$(ticks "$d")" -v s="$s0" -v e="$s1" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%.3f", (b - a) / hz / (e - s) * 100 }')
    rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$d/status")
    hwm=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$d/status")
    threads=$(awk '/^Threads/ { print $2 }' "/proc/$d/status")
    # PSS: the pages it shares (libjvm, the class-data archive's clean pages) counted by their share.
    pss=$(awk '/^Pss:/ { printf "%.0f", $2 / 1024 }' "/proc/$d/smaps_rollup")
    token1=$(stat -c %Y "$work/run-idle-${names[$k]}/hub-token" 2>/dev/null || echo 0)
    hub=$(tr -d '\n ' < "$work/out-idle-${names[$k]}/connection.json" 2>/dev/null \
      | sed -n 's/.*"hubVerification":{"result":"\([a-z_]*\)".*/\1/p')
    idle_report+=("daemon (${names[$k]}) after ${idle_minutes} min idle: RSS ${rss} MiB (peak ${hwm} MiB, PSS ${pss} MiB), ${threads} threads, CPU ${cpu}% of a core, hub ${hub:-?}, hub-token rewritten in the window: $([ "$token1" -gt "$token0" ] && echo yes || echo no), ${restart_cpu[$k]}")
    [ "$k" = 0 ] && { idle_rss=$rss; idle_cpu=$cpu; }
    kill "$d"; wait "$d" 2>/dev/null || true
  done
fi

# --- emulator capacity -------------------------------------------------------------------------
cap_new="" cap_keep="" emu_rss="" load10k="" load1=""
if [ "$capacity" = 1 ]; then
  step "emulator capacity (one load-generator process on the same cores)"
  # The generator is Netty with BoringSSL from the emulator's own jar (LoadGen), C1 only: C2's
  # compiles cost it more than its steady state. --capacity-before also runs the one it replaced
  # (JdkTlsLoadGen: HttpsURLConnection on the JDK's TLS), to show what the generator itself costs.
  emulator_jar=$root/dps-emulator/target/dps-emulator.jar
  # loadgen CLASS MODE DEVICES CONNECTIONS: its line, plus the CPU the emulator and the generator
  # each spent per registration (warm-up included), to show which of the two sharing the cores bounds it.
  loadgen() {
    local before after line n w flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
    [ "$1" = JdkTlsLoadGen ] && flags="" # as it was run
    before=$(awk '{ print $14 + $15 }' "/proc/$emu_pid/stat")
    line=$(timeout 120 /usr/bin/time -f "gen_cpu=%U+%S" -o "$work/loadgen.time" \
      java $flags -cp "$bench_jar:$emulator_jar" "io.dpsagent.bench.$1" \
      "$2" "$https_endpoint" "$id_scope" "$work/group.key" "$ca_file" "$3" "$4" 60 2> "$work/loadgen.err" || true)
    after=$(awk '{ print $14 + $15 }' "/proc/$emu_pid/stat")
    [ -n "$line" ] || line="failed: $(tail -n2 "$work/loadgen.err" | tr '\n' ' ' | cut -c1-200)"
    n=$(sed -n 's/.*registrations=\([0-9]*\).*/\1/p' <<< "$line")
    w=$(sed -n 's/.*warmup=\([0-9]*\).*/\1/p' <<< "$line")
    [ -n "$w" ] || w=$(( $3 / 5 < 400 ? $3 / 5 : 400 )) # JdkTlsLoadGen's warm-up
    n=$(( ${n:-0} + w )) # and the warm-up devices
    awk -v line="$line" -v n="$n" -v e=$((after - before)) -v hz="$(getconf CLK_TCK)" \
      -v g="$(sed -n 's/^gen_cpu=//p' "$work/loadgen.time" | awk -F+ '{ print $1 + $2 }')" \
      'BEGIN { printf "%s; CPU per registration: emulator %.2f ms, generator %.2f ms\n", line, e / hz / n * 1000, g / n * 1000 }'
  }
  if [ "$capacity_before" = 1 ]; then
    echo "JDK-TLS generator, new TLS connection per device: $(loadgen JdkTlsLoadGen new 3000 16)"
    echo "JDK-TLS generator, kept-alive connections:        $(loadgen JdkTlsLoadGen keepalive 10000 8)"
  fi
  cap_new_line=$(loadgen LoadGen new 3000 16)
  cap_keep_line=$(loadgen LoadGen keepalive 10000 8)
  echo "new TLS connection per device: $cap_new_line"
  echo "kept-alive connections:        $cap_keep_line"
  cap_new=$(sed -n 's/.*per_second=\([0-9]*\).*/\1/p' <<< "$cap_new_line")
  cap_keep=$(sed -n 's/.*per_second=\([0-9]*\).*/\1/p' <<< "$cap_keep_line")
  emu_rss=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$emu_pid/status")
  # Start-up with 10,000 enrollments against start-up with none.
  boot() { # ENROLLMENTS -> seconds until the emulator prints its endpoints
    local n=$1 dir=$work/boot-$1
    mkdir -p "$dir"
    { printf '[emulator]\nretry_after_seconds = 0\n'
      awk -v n="$n" -v k="$key" 'BEGIN { for (i = 0; i < n; i++) printf "[[individual_enrollments]]\nregistration_id = \"dev-%d\"\nattestation = { type = \"symmetric_key\", primary_key = \"%s\" }\n", i, k }'
    } > "$dir/emu.toml"
    local start end pid; start=$(date +%s.%N)
    bin/dps-emulator --config "$dir/emu.toml" --state "$dir/state" --json > "$dir/out" 2> "$dir/log" &
    pid=$!
    for _ in $(seq 1 600); do grep -q idScope "$dir/out" 2>/dev/null && break; kill -0 $pid 2>/dev/null || break; sleep 0.02; done
    end=$(date +%s.%N)
    kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
    grep -q idScope "$dir/out" && awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }'
  }
  load1=$(boot 1); load10k=$(boot 10000)
  # The launcher's class-data archive, made by the first emulator start of this run if the jar is
  # new (docs/benchmarks.md, "Emulator start-up").
  emu_cds=$(ls dps-emulator/target/dps-emulator-jdk*.jsa 2>/dev/null | head -n1)
  echo "emulator start-up: 1 enrollment ${load1} s, 10,000 enrollments ${load10k} s (class-data archive: ${emu_cds:-none})"
fi

# --- report ------------------------------------------------------------------------------------
step "results ($(date -u +%Y-%m-%dT%H:%MZ), load average now $(cut -d' ' -f1-3 /proc/loadavg))"
header
for case_name in $cases; do
  case $case_name in
    https) row ours-https "dps-agent provision, symmetric key, HTTPS"
           row ours-https-nocds "  same, class-data archive off (DPS_AGENT_CDS=off)"
           if [ -n "$jdk25" ]; then
             row ours-https-jdk25 "  same on JDK 25 (the launcher's archive)"
             row ours-https-aot25 "  same on JDK 25 with its AOT cache instead"
           fi
           row node-https "Node SDK 1.9.1 (http), symmetric key"
           row java-https "Java SDK 2.1.3 (HTTPS), symmetric key"
           for v in "${variants[@]}"; do row "variant-${v%%=*}" "  ours with flags ${v%%=*}"; done
           for j in "${jars[@]}"; do row "jar-${j%%=*}-https" "  same, agent build ${j%%=*}"; done ;;
    mqtt)  row ours-mqtt "dps-agent provision, symmetric key, MQTT"
           row node-mqtt "Node SDK (mqtt 1.8.1), symmetric key"
           row java-mqtt "Java SDK 2.1.3 (MQTT, 200 ms reply delay)"
           for j in "${jars[@]}"; do row "jar-${j%%=*}-mqtt" "  same, agent build ${j%%=*}"; done ;;
    x509)  row ours-x509 "dps-agent provision, X.509, HTTPS"
           row node-x509 "Node SDK (http), X.509"
           row java-x509 "Java SDK 2.1.3 (HTTPS), X.509"
           for j in "${jars[@]}"; do row "jar-${j%%=*}-x509" "  same, agent build ${j%%=*}"; done ;;
    tpm)   row ours-tpm "dps-agent provision, TPM (swtpm), HTTPS"
           row node-tpm "Node SDK (http), TPM (swtpm, tss.js)" ;;
  esac
done
if [ "$floors" = 1 ] && [[ " $cases " == *" https "* ]]; then
  row floor-urlconnection "floor: one HttpsURLConnection GET, same flags"
  row floor-httpclient "floor: one java.net.http GET, same flags"
  row floor-sslsocket "floor: one GET on a plain SSLSocket, same flags"
  row floor-sslsocket-cds "floor: the same with its own class-data archive"
  row floor-empty "floor: empty Java main, same flags"
fi
if [ "$floors" = 1 ] && [[ " $cases " == *" x509 "* ]]; then
  row floor-x509-cds "floor: SSLSocket GET presenting an X.509 certificate, own archive"
fi
if [ "$status" = 1 ]; then
  row status "dps-agent status"
  row check-offline "dps-agent check --offline"
fi
[ "${#census_lines[@]}" -gt 0 ] && { echo; echo "classes loaded by one provisioning run:"; printf "  %s\n" "${census_lines[@]}"; }
[ "$idle" = 1 ] && printf '%s\n' "${idle_report[@]}"
[ "$capacity" = 1 ] && echo "emulator: ${cap_new:-?}/s new TLS per device, ${cap_keep:-?}/s kept-alive, peak RSS ${emu_rss} MiB; start-up 1 / 10,000 enrollments: ${load1:-?} s / ${load10k:-?} s"

for case_name in $cases; do
  case $case_name in https) t=https ;; mqtt) t=mqtt ;; x509) t=x509 ;; tpm) t=tpm ;; esac
  if [ "$t" = tpm ]; then
    # The Java SDK's TPM provider drives the Microsoft simulator's platform port (TSS.Java's
    # localTpmSimulator), which swtpm does not speak (shared/reference/toolchain-notes.md).
    verdicts+=("tpm: vs Java SDK: not measured (its TPM provider cannot drive swtpm)")
  else
    target "$t: CPU vs Java SDK" "ours-$t" "java-$t" 4 0.5
    target "$t: peak RSS vs Java SDK" "ours-$t" "java-$t" 7 0.8
  fi
  target "$t: wall vs Node SDK (aim 1.0×)" "ours-$t" "node-$t" 1 1.5
  if [ "$t" = https ] || [ "$t" = x509 ]; then
    for j in "${jars[@]}"; do
      target "$t: build ${j%%=*}: CPU vs Java SDK" "jar-${j%%=*}-$t" "java-$t" 4 0.5
      target "$t: build ${j%%=*}: peak RSS vs Java SDK" "jar-${j%%=*}-$t" "java-$t" 7 0.8
      target "$t: build ${j%%=*}: wall vs Node SDK" "jar-${j%%=*}-$t" "node-$t" 1 1.5
    done
  fi
done
# Where the HTTPS targets stand for any JVM client: the SSLSocket floor with its own archive.
if [ "$floors" = 1 ] && [[ " $cases " == *" https "* ]]; then
  target "floor (SSLSocket GET, own archive): CPU vs Java SDK" floor-sslsocket-cds java-https 4 0.5
  target "floor (SSLSocket GET, own archive): peak RSS vs Java SDK" floor-sslsocket-cds java-https 7 0.8
  target "floor (SSLSocket GET, own archive): wall vs Node SDK" floor-sslsocket-cds node-https 1 1.5
  for t in mqtt tpm; do # the same floor under the limits of the other cases without a client certificate
    [[ " $cases " == *" $t "* ]] || continue
    [ "$t" = tpm ] || {
      target "floor (SSLSocket GET, own archive): CPU vs Java SDK's $t" floor-sslsocket-cds "java-$t" 4 0.5
      target "floor (SSLSocket GET, own archive): peak RSS vs Java SDK's $t" floor-sslsocket-cds "java-$t" 7 0.8
    }
    target "floor (SSLSocket GET, own archive): wall vs Node SDK's $t" floor-sslsocket-cds "node-$t" 1 1.5
  done
fi
if [ "$floors" = 1 ] && [[ " $cases " == *" x509 "* ]]; then
  target "floor (X.509 GET, own archive): CPU vs Java SDK's x509" floor-x509-cds java-x509 4 0.5
  target "floor (X.509 GET, own archive): peak RSS vs Java SDK's x509" floor-x509-cds java-x509 7 0.8
  target "floor (X.509 GET, own archive): wall vs Node SDK's x509" floor-x509-cds node-x509 1 1.5
fi
if [[ " $cases " == *" mqtt "* ]]; then
  target "mqtt: wall vs our HTTPS" ours-mqtt ours-https 1 1.3
  for j in "${jars[@]}"; do
    target "mqtt: build ${j%%=*}: wall vs its HTTPS" "jar-${j%%=*}-mqtt" "jar-${j%%=*}-https" 1 1.3
  done
fi
if [ "$status" = 1 ]; then
  absolute "status wall" "$(median_of status 1)" s 0.150
  absolute "check --offline wall" "$(median_of check-offline 1)" s 0.300
fi
if [ "$idle" = 1 ]; then
  absolute "daemon idle RSS after ${idle_minutes} min (target stated for 10)" "$idle_rss" MiB 48
  absolute "daemon idle CPU" "$idle_cpu" "% of a core" 0.1
fi
if [ "$capacity" = 1 ]; then
  absolute "emulator, new TLS connection per device" "$cap_new" "registrations/s" 300 ge
  absolute "emulator, kept-alive connections" "$cap_keep" "registrations/s" 1000 ge
  absolute "emulator start-up with 10,000 enrollments" "$load10k" s 2
fi
echo
echo "targets (ratios of medians from the same alternating runs):"
printf '  %s\n' "${verdicts[@]}"
