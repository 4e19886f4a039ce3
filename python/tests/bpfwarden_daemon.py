"""A real bpfwardend for the Python tests: its own pin root under
/sys/fs/bpf/bpfwarden-test-py-<tag>-<pid>, cgroup under the cgroup v2 mount,
work directory (config/, state/, api.sock, daemon.log) in /tmp; stopped with
SIGTERM and everything removed by stop(), whatever happened before."""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from typing import List, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)  # python/
SOURCE_ROOT = os.path.dirname(PACKAGE_ROOT)
sys.path.insert(0, PACKAGE_ROOT)

import bpfwarden  # noqa: E402
import wait_for as polling  # noqa: E402

BPF_FS_MAGIC = 0xCAFE4A11
PR_SET_PDEATHSIG = 1


def cgroup2_mount() -> Optional[str]:
    with open("/proc/mounts") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 2 and fields[2] == "cgroup2":
                return fields[1]
    return None


def missing_prerequisites() -> List[str]:
    """What this machine lacks for the kernel tests (empty: nothing)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("not running as root")
    if not os.path.ismount("/sys/fs/bpf") or not any(
            line.split()[1:3] == ["/sys/fs/bpf", "bpf"]
            for line in open("/proc/mounts")):
        missing.append("bpffs is not mounted at /sys/fs/bpf")
    if cgroup2_mount() is None:
        missing.append("no cgroup2 mount")
    if not os.access("/sys/kernel/btf/vmlinux", os.R_OK):
        missing.append("no kernel BTF at /sys/kernel/btf/vmlinux")
    return missing


def daemon_binary() -> str:
    """The bpfwardend under test: $BPFWARDEN_DAEMON (the Bazel test sets
    it), else bazel-bin/daemon/bpfwardend in the source tree."""
    path = os.environ.get("BPFWARDEN_DAEMON") or os.path.join(
        SOURCE_ROOT, "bazel-bin", "daemon", "bpfwardend")
    if not os.access(path, os.X_OK):
        raise RuntimeError(
            f"no bpfwardend at {path}: set BPFWARDEN_DAEMON or run "
            "`bazel build //daemon:bpfwardend` (bazel test //tests/python:pytest "
            "does both)")
    return path


def config_with_policy(policy: str = "") -> str:
    """The builtin set under the name "bpfwarden", and `policy` (text of
    PolicyRule fields) after it."""
    return 'program_sets { name: "bpfwarden" builtin: true }\n' + policy


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Daemon:
    """Call start(); stop() always, in a finally."""

    def __init__(self, tag: str, config: str = config_with_policy(),
                 socket_group: str = "nogroup",
                 extra_flags: Sequence[str] = ()):
        self.tag = f"py-{tag}-{os.getpid()}"
        self.config = config
        self.socket_group = socket_group
        self.extra_flags = list(extra_flags)
        self.pin_root = f"/sys/fs/bpf/bpfwarden-test-{self.tag}"
        self.cgroup: Optional[str] = None
        self.work: Optional[str] = None
        self.process: Optional[subprocess.Popen] = None
        self.exit_code: Optional[int] = None

    @property
    def socket(self) -> str:
        return os.path.join(self.work, "api.sock")

    @property
    def log_path(self) -> str:
        return os.path.join(self.work, "daemon.log")

    def log(self) -> str:
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError as e:
            return f"(no log: {e})"

    def start(self) -> None:
        os.mkdir(self.pin_root, 0o700)
        self.cgroup = os.path.join(cgroup2_mount(),
                                   f"bpfwarden-test-{self.tag}")
        os.mkdir(self.cgroup, 0o755)
        self.work = tempfile.mkdtemp(prefix=f"bpfwarden-{self.tag}-",
                                     dir="/tmp")
        os.chmod(self.work, 0o755)
        for d in ("config", "state"):
            os.mkdir(os.path.join(self.work, d))
        with open(os.path.join(self.work, "config", "10-test.textproto"),
                  "w") as f:
            f.write(self.config)
        args = [daemon_binary(),
                f"--pin_root={self.pin_root}",
                f"--config_dir={self.work}/config",
                f"--state_dir={self.work}/state",
                f"--api_socket={self.socket}",
                f"--api_socket_group={self.socket_group}"] + self.extra_flags
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        self._wait_until_serving()

    def _wait_until_serving(self, seconds: float = 30) -> None:
        last = None

        def serving() -> bool:
            nonlocal last
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(f"bpfwardend exited during start-up "
                                   f"(status {code})\n--- daemon log ---\n"
                                   + self.log())
            if not os.path.exists(self.socket):
                return False
            try:
                with bpfwarden.Client(self.socket, timeout=2) as c:
                    c.status()
                return True
            except bpfwarden.Error as e:
                last = e
                return False

        if polling.wait_for(serving, seconds, 0.05):
            return
        raise RuntimeError(f"bpfwardend did not serve within {seconds} s "
                           f"({last})\n--- daemon log ---\n" + self.log())

    def client(self, **kwargs) -> bpfwarden.Client:
        return bpfwarden.Client(self.socket, **kwargs)

    def reload(self, config: str, wait_for: str = "policy reloaded") -> None:
        """Rewrites the config and sends SIGHUP; waits for `wait_for` to
        appear once more in the log."""
        before = self.log().count(wait_for)
        with open(os.path.join(self.work, "config", "10-test.textproto"),
                  "w") as f:
            f.write(config)
        self.process.send_signal(signal.SIGHUP)
        if polling.wait_for(lambda: self.log().count(wait_for) > before,
                            20, 0.05):
            return
        raise RuntimeError(f"no {wait_for!r} after SIGHUP\n" + self.log())

    def attached_ids(self) -> List[int]:
        """Program ids bpftool sees attached to the test cgroup (any type)."""
        out = subprocess.run(["bpftool", "-j", "cgroup", "show", self.cgroup],
                             check=True, capture_output=True, text=True)
        text = out.stdout.strip()
        return [p["id"] for p in json.loads(text)] if text else []

    def stop(self) -> List[str]:
        """Stops the daemon and removes what the test made. Returns the
        problems found (unclean exit, programs left attached)."""
        problems = []
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(30)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
                    problems.append("bpfwardend did not stop within 30 s "
                                    "of SIGTERM")
            if self.process is not None:
                self.exit_code = self.process.returncode
                if self.exit_code != 0:
                    problems.append(f"bpfwardend exited {self.exit_code}")
            if self.cgroup and os.path.isdir(self.cgroup):
                left = self.attached_ids()
                if left:
                    problems.append(f"programs {left} left attached to "
                                    f"{self.cgroup}")
        finally:
            self._remove()
        if problems:
            problems.append("--- daemon log ---\n" + self.log())
        return problems

    def _remove(self) -> None:
        if self.cgroup and os.path.isdir(self.cgroup):
            try:
                with open(os.path.join(self.cgroup, "cgroup.kill"), "w") as f:
                    f.write("1")
            except OSError:
                pass
            def removed() -> bool:
                try:
                    os.rmdir(self.cgroup)
                    return True
                except FileNotFoundError:
                    return True
                except OSError:
                    return False

            polling.wait_for(removed, 10, 0.01)
        if os.path.isdir(self.pin_root):
            shutil.rmtree(self.pin_root, ignore_errors=True)
        if self.work and os.path.isdir(self.work):
            shutil.rmtree(self.work, ignore_errors=True)
