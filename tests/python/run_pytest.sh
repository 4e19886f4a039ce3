#!/usr/bin/env bash
# //tests/python:pytest: the package's tests with Debian's pytest, from the
# runfiles tree (python/, proto/, tools/regen-python, the daemon).
set -euo pipefail
cd "${TEST_SRCDIR:?}/${TEST_WORKSPACE:?}"
export BPFWARDEN_DAEMON=$PWD/daemon/bpfwardend
export PYTHONDONTWRITEBYTECODE=1
# Bazel's XML report from pytest's own.
exec /usr/bin/python3 -m pytest python/tests -v -p no:cacheprovider \
  --basetemp="${TEST_TMPDIR:?}/pytest" \
  -o console_output_style=classic ${XML_OUTPUT_FILE:+--junitxml="$XML_OUTPUT_FILE"}
