"""bpfwardend as the soak runs it: the shipped release binary on the soak's
own paths, started again after a kill as systemd's Restart= would, and its
footprint (RSS, FDs, threads) read from /proc."""
from __future__ import annotations

import collections
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from typing import List, Optional

import grpc
from bpfwarden._proto import api_pb2, api_pb2_grpc

from env import SoakEnv


@dataclass(frozen=True)
class Footprint:
    rss_kb: int
    fds: int
    threads: int

    def within(self, base: "Footprint", tolerance: float,
               thread_slack: int = 0) -> bool:
        """Each measure at most `tolerance` above the base; threads also
        may be up to `thread_slack` above it, when that is more."""
        threads = max(base.threads * (1 + tolerance),
                      base.threads + thread_slack)
        return (self.rss_kb <= base.rss_kb * (1 + tolerance) and
                self.fds <= base.fds * (1 + tolerance) and
                self.threads <= threads)

    def __str__(self) -> str:
        return f"RSS {self.rss_kb} KiB, {self.fds} FDs, {self.threads} threads"


def channel(socket: str) -> grpc.Channel:
    """A channel that reconnects quickly after the daemon restarts (gRPC's
    default backoff grows to two minutes)."""
    return grpc.insecure_channel("unix:" + socket, [
        ("grpc.max_receive_message_length", 64 << 20),
        ("grpc.initial_reconnect_backoff_ms", 100),
        ("grpc.min_reconnect_backoff_ms", 100),
        ("grpc.max_reconnect_backoff_ms", 500),
    ])


class Daemon:
    def __init__(self, binary: str, env: SoakEnv):
        self.binary = binary
        self.env = env
        self.process: Optional[subprocess.Popen] = None
        self.starts = 0
        self.extra_args: List[str] = []  # after the soak's own flags

    @property
    def pid(self) -> int:
        return self.process.pid

    def args(self):
        e = self.env
        return [self.binary, f"--pin_root={e.pin_root}",
                f"--config_dir={e.config_dir}", f"--state_dir={e.state_dir}",
                f"--api_socket={e.socket}", "--api_socket_group=nogroup",
                "--api_max_streams_per_caller=16", "--api_max_streams=48",
                "--memory_trim_interval=1s", "--log_target=stderr",
                "--fail_if_nothing_applied", *self.extra_args]

    def start(self, memlock_bytes: Optional[int] = None,
              seconds: float = 60) -> None:
        """Starts it and waits until it answers Status. No preexec_fn: the
        soak has threads, and Python code between fork and exec can crash
        or hang then; util-linux's setpriv and prlimit exec the daemon
        with SIGTERM when the soak dies, cores allowed (kept in the work
        directory when the soak fails, core_pattern "core") and the
        memlock limit asked for."""
        limits = ["--core=unlimited"]
        if memlock_bytes is not None:
            limits.append(f"--memlock={memlock_bytes}:{memlock_bytes}")
        with open(self.env.log_path, "ab") as log:
            log.write(f"--- soak: start {self.starts + 1} (memlock "
                      f"{memlock_bytes or 'unchanged'}) ---\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                ["setpriv", "--pdeathsig", "TERM", "prlimit", *limits, "--",
                 *self.args()], stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=self.env.work)
        self.starts += 1
        self.wait_serving(seconds)

    def wait_serving(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        last = None
        with channel(self.env.socket) as ch:
            stub = api_pb2_grpc.DaemonStub(ch)
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"bpfwardend exited during start-up (status "
                        f"{self.process.returncode})\n{self.env.log_tail()}")
                try:
                    stub.Status(api_pb2.StatusRequest(), timeout=2)
                    return
                except grpc.RpcError as e:
                    last = e.code()
                time.sleep(0.05)
        raise RuntimeError(f"bpfwardend did not serve within {seconds} s "
                           f"({last})\n{self.env.log_tail()}")

    def kill(self) -> None:
        """SIGKILL, and reaped."""
        self.process.kill()
        self.process.wait()

    def stop(self, seconds: float = 30) -> int:
        """SIGTERM; the exit status (-9 when it had to be killed)."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9

    def reload(self, config: str, seconds: float = 60) -> None:
        """Writes the config, sends SIGHUP, and waits until the daemon's log
        says it reloaded (read from where the log ended before)."""
        offset = os.path.getsize(self.env.log_path)
        self.env.write_config(config)
        self.process.send_signal(signal.SIGHUP)
        needle = ("reloaded " + self.env.config_dir).encode()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with open(self.env.log_path, "rb") as f:
                f.seek(offset)
                if needle in f.read():
                    return
            if self.process.poll() is not None:
                raise RuntimeError("bpfwardend exited on SIGHUP\n"
                                   + self.env.log_tail())
            time.sleep(0.05)
        raise RuntimeError(f"no reload within {seconds} s of SIGHUP\n"
                           + self.env.log_tail())

    def thread_names(self) -> collections.Counter:
        """The daemon's threads by name (/proc/PID/task/*/comm)."""
        names = collections.Counter()
        task = f"/proc/{self.process.pid}/task"
        for tid in os.listdir(task):
            try:
                with open(f"{task}/{tid}/comm") as f:
                    names[f.read().strip()] += 1
            except OSError:
                pass  # the thread ended meanwhile
        return names

    def footprint(self) -> Footprint:
        pid = self.process.pid
        rss = threads = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
        return Footprint(rss, len(os.listdir(f"/proc/{pid}/fd")), threads)
