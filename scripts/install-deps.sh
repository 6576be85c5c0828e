#!/usr/bin/env bash
# Install the Debian 12 packages balverify needs, only those missing.
# Idempotent; needs root (or sudo). Prints what it installs.
set -euo pipefail

PKGS=(build-essential cmake pkg-config git ca-certificates
      libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
      libhiredis-dev libcurl4-openssl-dev libcjson-dev libcunit1-dev libssl-dev
      redis-server redis-tools python3 nodejs npm
      slurmctld slurmd slurm-client munge libpmix-dev
      clang gnuplot-nox)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# node/npm may come from elsewhere (nodesource, nvm); accept any working ones.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    [[ $p == nodejs || $p == npm ]] || filtered+=("$p")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock || true)" ] || [ "${BV_APT_UPDATE:-1}" = 1 ]; then
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
fi
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
