#!/usr/bin/env bash
# The local stack and the tests run real redis-server processes (and valkey-server for Valkey databases, where it
# can be installed). Find them, install them where we can, or say how.
set -euo pipefail

as_root() {
  if [ "$(id -u)" = "0" ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi
}

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not found on PATH; installing it with the system package manager..." >&2
  if command -v apt-get >/dev/null 2>&1; then
    (as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) || true
  fi
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server is required. Install it with: sudo apt-get install -y redis-server  (or: brew install redis)" >&2
  exit 1
fi
# Debian's package starts a system redis-server on 127.0.0.1:6379; the local stack never uses that address.

# valkey-server is optional: Debian 12 ships it in bookworm-backports (8.0). Without it, Valkey pods run
# redis-server and the kubelet says so.
if ! command -v valkey-server >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ -r /etc/os-release ] &&
  grep -q '^VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "valkey-server not found; installing it from Debian bookworm-backports (optional)..." >&2
  src=/etc/apt/sources.list.d/bookworm-backports.sources
  # The same mirror the machine already uses for bookworm, with the backports suite.
  mirror=$( (grep -hs -m1 '^URIs:' /etc/apt/sources.list.d/debian.sources | awk '{print $2}';
    grep -hs -m1 '^deb .* bookworm main' /etc/apt/sources.list | awk '{print $2}') | head -n1 || true)
  if [ -n "$mirror" ] && [ ! -e "$src" ] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" |
      as_root tee "$src" >/dev/null || true
  fi
  (as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports valkey-server >/dev/null) ||
    echo "could not install valkey-server: Valkey pods will run redis-server" >&2
fi
exit 0
