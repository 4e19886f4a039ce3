"""The soak's own world: a work directory in /tmp (config/, the daemon's
log, its socket), a small tmpfs mounted as the state directory, a pin root
under /sys/fs/bpf and a cgroup tree under the cgroup v2 mount. Never the
host's real ones. remove() takes everything away, whatever happened."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from typing import List

# The sub-cgroups of the soak's cgroup: traffic runs in "load" (the builtin
# sock_ops programs are attached there), "victim" is the attached cgroup a
# fault removes, "extra" takes the attachments a reload adds, "rt" those
# the runtime admin client makes.
SUBGROUPS = ("load", "victim", "extra", "rt")
STATE_TMPFS_BYTES = 256 * 1024


def cgroup2_mount() -> str:
    with open("/proc/mounts") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 2 and fields[2] == "cgroup2":
                return fields[1]
    raise RuntimeError("no cgroup2 mount in /proc/mounts")


def missing_prerequisites() -> List[str]:
    missing = []
    if os.geteuid() != 0:
        missing.append("not running as root")
    if not any(line.split()[1:3] == ["/sys/fs/bpf", "bpf"]
               for line in open("/proc/mounts")):
        missing.append("bpffs is not mounted at /sys/fs/bpf")
    if not os.access("/sys/kernel/btf/vmlinux", os.R_OK):
        missing.append("no kernel BTF at /sys/kernel/btf/vmlinux")
    if shutil.which("bpftool") is None:
        missing.append("no bpftool on PATH")
    return missing


class SoakEnv:
    def __init__(self, soak_object: str):
        tag = f"soak-{os.getpid()}"
        self.work = tempfile.mkdtemp(prefix=f"bpfwarden-{tag}-", dir="/tmp")
        os.chmod(self.work, 0o755)  # nobody reaches the socket through it
        self.config_dir = os.path.join(self.work, "config")
        self.state_dir = os.path.join(self.work, "state")
        self.socket = os.path.join(self.work, "api.sock")
        self.log_path = os.path.join(self.work, "daemon.log")
        self.pin_root = f"/sys/fs/bpf/bpfwarden-{tag}"
        self.cgroup_mount = cgroup2_mount()
        self.cgroup = os.path.join(self.cgroup_mount, f"bpfwarden-{tag}")
        self.object = os.path.join(self.work, "soak.bpf.o")
        self.state_mounted = False
        os.mkdir(self.config_dir)
        os.mkdir(self.state_dir, 0o700)
        shutil.copyfile(soak_object, self.object)
        os.mkdir(self.pin_root, 0o700)
        os.mkdir(self.cgroup)
        for name in SUBGROUPS:
            os.mkdir(os.path.join(self.cgroup, name))
        subprocess.run(["mount", "-t", "tmpfs", "-o",
                        f"size={STATE_TMPFS_BYTES},mode=0700",
                        "soak-state", self.state_dir], check=True)
        self.state_mounted = True

    def cgroup_path(self, sub: str = "") -> str:
        """Absolute path of the soak's cgroup or one of its subgroups."""
        return os.path.join(self.cgroup, sub) if sub else self.cgroup

    def cgroup_rel(self, sub: str) -> str:
        """The same, relative to the cgroup v2 mount, as the config says it."""
        return "/" + os.path.relpath(self.cgroup_path(sub), self.cgroup_mount)

    def write_config(self, text: str) -> None:
        path = os.path.join(self.config_dir, "10-soak.textproto")
        with open(path + ".new", "w") as f:
            f.write(text)
        os.rename(path + ".new", path)

    def state_file(self) -> str:
        return os.path.join(self.state_dir, "state.textproto")

    def log_tail(self, lines: int = 40) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(max(0, os.path.getsize(self.log_path) - (32 << 20)))
                text = f.read().decode(errors="replace")
        except OSError as e:
            return f"(no daemon log: {e})"
        # Not the AUDIT line of each write, nor the BPF programs' warnings.
        kept = [line for line in text.splitlines(True)
                if " AUDIT " not in line and "WARNING bpf " not in line]
        return "".join(kept[-lines:])

    def keep(self, where: str) -> None:
        """The daemon's log and any core it left, copied to `where`."""
        os.makedirs(where, exist_ok=True)
        for name in os.listdir(self.work):
            if name == "daemon.log" or name.startswith("core"):
                shutil.copy(os.path.join(self.work, name), where)

    def remove(self) -> List[str]:
        """Everything the soak made, gone; returns what could not be."""
        problems = []
        if os.path.isdir(self.cgroup):
            problems += _remove_cgroup_tree(self.cgroup)
        if self.state_mounted:
            done = subprocess.run(["umount", self.state_dir],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                problems.append(f"umount {self.state_dir}: {done.stderr}")
            self.state_mounted = False
        shutil.rmtree(self.pin_root, ignore_errors=True)
        if os.path.exists(self.pin_root):
            problems.append(f"could not remove {self.pin_root}")
        shutil.rmtree(self.work, ignore_errors=True)
        return problems


def _remove_cgroup_tree(root: str) -> List[str]:
    """Kills what runs in the tree, then removes it, deepest first."""
    problems = []
    try:
        with open(os.path.join(root, "cgroup.kill"), "w") as f:
            f.write("1")
    except OSError:
        pass
    dirs = [d for d, _, _ in os.walk(root)]
    for d in sorted(dirs, key=len, reverse=True):
        for _ in range(500):
            try:
                os.rmdir(d)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.01)  # killed processes leave asynchronously
        else:
            problems.append(f"could not remove cgroup {d}")
    return problems
