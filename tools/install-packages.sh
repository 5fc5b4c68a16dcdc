#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the main job need.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  pkg-config
  libhdf5-dev        # HDF5 C library (pkg-config: hdf5)
  libturbojpeg0-dev  # TurboJPEG API (pkg-config: libturbojpeg)
  libjpeg62-turbo-dev
  libpng-dev         # libpng 1.6 (pkg-config: libpng)
  libopenblas-dev    # OpenBLAS, pthread build (pkg-config: openblas)
  zlib1g-dev         # gzip-compressed IDX files (pkg-config: zlib)
  libopenmpi-dev     # Open MPI for runs across processes (pkg-config: ompi-c)
  openmpi-bin        # mpirun, which the MPI tests launch
  dataset-fashion-mnist  # Fashion-MNIST IDX files under /usr/share/datasets/fashion-mnist
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-packages: all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-packages: error: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi

echo "install-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
