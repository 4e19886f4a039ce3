#!/usr/bin/env bash
# The ConfigMap reload path with the real daemon: the container's
# entrypoint (deploy/k8s/bpfwardend-entrypoint) runs bpfwardend over a
# config directory laid out as the kubelet lays out a ConfigMap volume
# (..<timestamp>/ directories, a ..data symlink, and file symlinks through
# it), and the test updates it the way the kubelet does: a new timestamped
# directory, ..data_tmp renamed over ..data, the old directory removed.
# The daemon must apply the new config (an attachment to the test's cgroup
# appears), refuse a broken one while keeping what runs, answer the health
# probe the DaemonSet uses, and detach everything when the entrypoint gets
# SIGTERM.
set -euo pipefail
runfiles=${RUNFILES_DIR:-$0.runfiles}/bpfwarden
daemon=$runfiles/daemon/bpfwardend
entrypoint=$runfiles/deploy/k8s/bpfwardend-entrypoint
health=$runfiles/deploy/k8s/bpfwarden-health
for tool in bpftool; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (tools/setup installs it)"; exit 1; }
done
[[ $EUID -eq 0 ]] || { echo "FAIL: needs root (loads BPF programs)"; exit 1; }
cgroot=$(awk '$3=="cgroup2" {print $2; exit}' /proc/mounts)
[[ -n $cgroot ]] || { echo "FAIL: no cgroup v2 hierarchy is mounted"; exit 1; }

tag=bpfwarden-test-k8s-reload-$$
work=$(mktemp -d)
pins=/sys/fs/bpf/$tag
cgroup=$cgroot/$tag
mkdir "$cgroup"
entry_pid=
cleanup() {
  if [[ -n $entry_pid ]] && kill -0 "$entry_pid" 2>/dev/null; then
    kill -TERM "$entry_pid"; wait "$entry_pid" || true
  fi
  rmdir "$cgroup" 2>/dev/null || echo "residue: cannot remove $cgroup"
  rm -rf "$pins" "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- log ---"; cat "$work/log" || true; exit 1; }

# Waits up to `seconds` (times BPFWARDEN_TEST_TIME_SCALE, which tools/vm-test
# sets under emulation) for the command to succeed.
wait_for() {
  local deadline=$((SECONDS + $1 * ${BPFWARDEN_TEST_TIME_SCALE:-1})); shift
  until "$@"; do ((SECONDS < deadline)) || return 1; sleep 0.2; done
}
attached() { bpftool cgroup show "$cgroup" | grep -q "sock_ops.*tcp_stats_socko"; }
nothing_attached() { [[ -z $(bpftool cgroup show "$cgroup") ]]; }

config_v1='program_sets { name: "bpfwarden" builtin: true }'
config_v2="$config_v1
attachments { program_set: \"bpfwarden\" program: \"tcp_stats_sockops\" cgroup: \"/$tag\" }"

# Version $1 of the ConfigMap, with content $2, as the kubelet writes it.
publish() {
  local dir=$work/config ts="..2026_11_30_00_00_0$1.000000001"
  mkdir -p "$dir/$ts"
  printf '%s\n' "$2" >"$dir/$ts/bpfwarden.textproto"
  ln -s "$ts" "$dir/..data_tmp"
  mv -T "$dir/..data_tmp" "$dir/..data"  # rename(2): atomic
  [[ -L $dir/bpfwarden.textproto ]] ||
    ln -s ..data/bpfwarden.textproto "$dir/bpfwarden.textproto"
  for old in "$dir"/..2026_*; do
    [[ $(basename "$old") == "$ts" ]] || rm -rf "$old"
  done
}

mkdir -p "$work/config" "$work/state"
publish 1 "$config_v1"
if "$health" "$work/api.sock" 2>/dev/null; then fail "health answered before the daemon started"; fi

BPFWARDEN_DAEMON=$daemon BPFWARDEN_CONFIG_DIR=$work/config \
  BPFWARDEN_CONFIG_POLL_SECONDS=1 "$entrypoint" \
  --pin_root="$pins" --state_dir="$work/state" --api_socket="$work/api.sock" \
  --api_socket_group=nogroup --log_target=stderr >"$work/log" 2>&1 &
entry_pid=$!
wait_for 30 "$health" "$work/api.sock" >/dev/null 2>&1 || fail "the health probe never saw SERVING"
echo "ok   health probe: $("$health" "$work/api.sock")"
nothing_attached || fail "attached before the config asked for it"

start=$SECONDS
publish 2 "$config_v2"
wait_for 20 attached ||
  fail "the new ConfigMap version was not applied (bpftool cgroup show: $(bpftool cgroup show "$cgroup" 2>&1))"
echo "ok   ..data swapped to v2: attached within $((SECONDS - start)) s (poll 1 s)"
grep -q "changed; sending SIGHUP" "$work/log" || fail "no SIGHUP logged"
grep -q "reloaded $work/config" "$work/log" || fail "the daemon logged no reload"

publish 3 'program_sets { name: "bpfwarden" builtin: true'  # unbalanced
wait_for 20 grep -q "reload refused" "$work/log" || fail "a broken config was not refused"
attached || fail "a broken config changed what runs"
echo "ok   a broken version is refused and the running config kept"

publish 4 "$config_v1"
wait_for 20 nothing_attached || fail "removing the attachment from the ConfigMap did not detach it"
echo "ok   v4 without the attachment: detached"

publish 5 "$config_v2"
wait_for 20 attached || fail "v5 was not applied"
kill -TERM "$entry_pid"
status=0
wait "$entry_pid" || status=$?
entry_pid=
((status == 0)) || fail "the entrypoint exited $status after SIGTERM"
nothing_attached || fail "left attached after SIGTERM"
if "$health" "$work/api.sock" 2>/dev/null; then fail "health answered after stop"; fi
echo "ok   SIGTERM through the entrypoint: exit 0, nothing left attached"
echo "config reload: 5 passed, 0 failed"
