#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian 12 machine: installs what the tests need, then
# `mvn -B verify`. Every test starts its own servers (DPS emulator, ...) on loopback and stops them.
set -euo pipefail
cd "$(dirname "$0")"

need_packages=()
command -v java >/dev/null 2>&1 || need_packages+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_packages+=(maven)
# The interop tests drive the official Node SDKs (tpm-simulator-tests/interop).
command -v node >/dev/null 2>&1 || need_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || need_packages+=(npm)
# TPM tests run against swtpm (a software TPM 2.0), checked with tpm2-tools.
command -v swtpm >/dev/null 2>&1 || need_packages+=(swtpm)
command -v swtpm_ioctl >/dev/null 2>&1 || need_packages+=(swtpm-tools)
command -v tpm2_activatecredential >/dev/null 2>&1 || need_packages+=(tpm2-tools)
# PKCS#11 tests run against SoftHSM2; pkcs11-tool and pkcs11-spy (OpenSC) inspect the tokens.
command -v softhsm2-util >/dev/null 2>&1 || need_packages+=(softhsm2)
command -v pkcs11-tool >/dev/null 2>&1 || need_packages+=(opensc)
# TPM keys through PKCS#11: tpm2-pkcs11 (module and tpm2_ptool) on swtpm, behind tpm2-abrmd on a
# private D-Bus session bus (dbus-daemon) as the resource manager.
[ -f /usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so ] || need_packages+=(libtpm2-pkcs11-1)
command -v tpm2_ptool >/dev/null 2>&1 || need_packages+=(libtpm2-pkcs11-tools)
command -v tpm2-abrmd >/dev/null 2>&1 || need_packages+=(tpm2-abrmd)
[ -n "$(ls /usr/lib/x86_64-linux-gnu/libtss2-tcti-tabrmd.so* 2>/dev/null)" ] || need_packages+=(libtss2-tcti-tabrmd0)
command -v dbus-daemon >/dev/null 2>&1 || need_packages+=(dbus-daemon)
# The package tests (packaging/) read the .deb with dpkg-deb, run its postinst against a scratch root
# (systemd-sysusers, systemd-tmpfiles) and judge its units with systemd-analyze; no systemd needs to run.
command -v dpkg-deb >/dev/null 2>&1 || need_packages+=(dpkg)
command -v systemd-analyze >/dev/null 2>&1 || need_packages+=(systemd)
# ... and trace the packaged agent's system calls against the units' SystemCallFilter=.
command -v strace >/dev/null 2>&1 || need_packages+=(strace)
if [ ${#need_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing ${need_packages[*]}; run as root or install them first" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_packages[@]}"
fi

# Exactly the versions in package-lock.json; --ignore-scripts: nothing there needs a build step.
(cd tpm-simulator-tests/interop && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

exec mvn -B -ntp -Dstyle.color=never verify "$@"
