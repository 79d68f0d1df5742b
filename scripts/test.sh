#!/usr/bin/env bash
# Every check PartnerOS has: formatting, lints, unit, service, HTTP and browser tests on
# SQLite and PostgreSQL. Installs or starts what a fresh machine lacks; never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Import circles between modules (scripts/check_cycles.rs)"
# Lists every crate's circles and fails on any: every crate is held to it. The services crate
# root alone may name its features (the `Services` type holds their per-process state) and be
# named by them (Actor, Error, Services); PARTNEROS_ACYCLIC_CRATES narrows the check.
# Built by rustc alone: nothing to install, and no Cargo step needed first.
target_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target_dir"
rustc --edition 2024 --test scripts/check_cycles.rs -o "$target_dir/check_cycles_tests"
"$target_dir/check_cycles_tests" -q
rustc --edition 2024 -O scripts/check_cycles.rs -o "$target_dir/check_cycles"
# shellcheck disable=SC2086 # one name per word
"$target_dir/check_cycles" ${PARTNEROS_ACYCLIC_CRATES:---exempt-root=services all}

step "PostgreSQL on 127.0.0.1:5432"
pg_ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
if ! command -v pg_isready >/dev/null; then
  apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null
fi
if ! pg_ready; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
fi
if ! pg_ready; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432. Start it (for example:" >&2
  echo "  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)" >&2
  echo "or set PARTNEROS_TEST_POSTGRES to a server where user postgres may create databases." >&2
  exit 1
fi
echo "ready"

step "Chromium and chromedriver for the browser tests"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi
chromium --version

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (unit, services, HTTP, browser; SQLite and PostgreSQL)"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi
