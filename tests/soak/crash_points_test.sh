#!/usr/bin/env bash
# //tests/soak:crash_points_test: tests/soak/crash_points.py from the
# runfiles tree, on the testonly daemon that has the crash hook.
set -euo pipefail
cd "${TEST_SRCDIR:?}/${TEST_WORKSPACE:?}"
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 -u tests/soak/crash_points.py \
  --daemon="$PWD/daemon/bpfwardend_for_tests" \
  --object="$PWD/tests/soak/soak.bpf.o"
