#!/usr/bin/env bash
# //tests/api:public_api_test: tools/public-api --check passes on the tree,
# and fails, naming the break, on each way a change could break a client of
# bpfwarden.v1 (a copy of proto/ changed one way at a time); a removal that
# reserves the field's number and name passes, as docs/api.md promises.
set -euo pipefail
src="${TEST_SRCDIR:?}/${TEST_WORKSPACE:?}"
work="${TEST_TMPDIR:?}/ws"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

fresh_copy() {
  rm -rf "$work"
  mkdir -p "$work/tools" "$work/proto/bpfwarden/v1" "$work/proto/released"
  cp "$src/buf.yaml" "$work/"
  cp "$src/tools/public-api" "$work/tools/"
  cp "$src"/proto/bpfwarden/v1/*.proto "$work/proto/bpfwarden/v1/"
  cp "$src/proto/released/bpfwarden-v1.json" "$work/proto/released/"
  chmod -R u+w "$work"
}

# expect_break NAME PATTERN FILE PYTHON-EDIT: the edit (a Python expression
# rewriting `s`, the file's text) must make the check fail with PATTERN.
expect_break() {
  local name=$1 pattern=$2 file=$3 edit=$4
  fresh_copy
  python3 - "$work/$file" "$edit" <<'PY'
import sys
path, edit = sys.argv[1], sys.argv[2]
s = open(path).read()
t = eval(edit)
if t == s:
    sys.exit(f"the edit changed nothing in {path}: the test is stale")
open(path, "w").write(t)
PY
  local out rc=0
  out=$("$work/tools/public-api" --check 2>&1) || rc=$?
  if ((rc == 0)); then
    fail "$name: the check passed"
  elif ! grep -q -- "$pattern" <<<"$out"; then
    fail "$name: no '$pattern' in: $out"
  else
    echo "ok: $name: $(grep -m1 -- "$pattern" <<<"$out")"
  fi
}

fresh_copy
if out=$("$work/tools/public-api" --check 2>&1); then
  echo "ok: the tree: $out"
else
  fail "the tree does not pass its own check: $out"
fi

api=proto/bpfwarden/v1/api.proto
config=proto/bpfwarden/v1/config.proto
expect_break "a field renumbered" 'Previously present field "2" with name "map" on message "MapRef" was deleted' "$api" \
  's.replace("string map = 2;", "string map = 3;", 1)'
expect_break "a field retyped" 'changed type from "uint32" to "uint64"' "$api" \
  's.replace("uint32 key_size = 4;", "uint64 key_size = 4;", 1)'
expect_break "a field removed without reserved" 'deleted' "$api" \
  's.replace("uint32 key_size = 4;", "", 1)'
expect_break "a field renamed" 'changed name from "key_size" to "key_bytes"' "$api" \
  's.replace("uint32 key_size = 4;", "uint32 key_bytes = 4;", 1)'
expect_break "a method removed" 'RPC "Watch"' "$api" \
  's.replace("  rpc Watch(WatchRequest) returns (stream WatchResponse);\n", "", 1)'
expect_break "a service renamed" 'Previously present service "Daemon"' "$api" \
  's.replace("service Daemon {", "service DaemonService {", 1)'
expect_break "an enum value renamed" 'ADMIN' "$config" \
  's.replace("ADMIN = 3;", "OPERATION_ADMIN = 3;", 1)'

# The way to remove a field: reserve its number and name.
fresh_copy
python3 - "$work/$api" <<'PY'
import sys
path = sys.argv[1]
s = open(path).read()
t = s.replace("uint32 key_size = 4;", 'reserved 4;\n  reserved "key_size";', 1)
assert t != s, "the edit changed nothing: the test is stale"
open(path, "w").write(t)
PY
if out=$("$work/tools/public-api" --check 2>&1); then
  echo "ok: a field removed with its number and name reserved passes"
else
  fail "a reserved removal was refused: $out"
fi

if ((failures)); then
  echo "$failures failed"
  exit 1
fi
echo "every break was caught"
