#!/usr/bin/env bash
# The local stack and the tests run real redis-server processes. Find it, install it where we can, or say how.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
echo "redis-server not found on PATH; installing it with the system package manager..." >&2
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) || true
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) || true
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server is required. Install it with: sudo apt-get install -y redis-server  (or: brew install redis)" >&2
  exit 1
fi
# Debian's package starts a system redis-server on 127.0.0.1:6379; the local stack never uses that address.
