"""Fixtures: a real bpfwardend per test module (or per test, for those that
change its policy), cleaned up even when the test fails."""
import os
import signal

import pytest

from bpfwarden_daemon import Daemon, config_with_policy, missing_prerequisites


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# Bazel ends a test that runs past its timeout with SIGTERM: as an
# interrupt, pytest still runs the fixtures' clean-up (daemon, pins,
# cgroup, work directory).
signal.signal(signal.SIGTERM, _interrupt)


def _require_kernel():
    missing = missing_prerequisites()
    if missing:
        why = "kernel tests need: " + "; ".join(missing)
        if os.environ.get("BPFWARDEN_ALLOW_SKIP_KERNEL_TESTS") == "1":
            pytest.skip(why)
        pytest.fail(why + " (BPFWARDEN_ALLOW_SKIP_KERNEL_TESTS=1 skips)")


def _run(tag, config):
    _require_kernel()
    daemon = Daemon(tag, config)
    problems = []
    try:
        daemon.start()
        yield daemon
    finally:
        problems = daemon.stop()
    if problems:
        pytest.fail("\n".join(problems))


@pytest.fixture(scope="module")
def daemon(request):
    """A daemon shared by the tests of one module (the builtin set as
    "bpfwarden", no policy: root only)."""
    yield from _run(request.module.__name__.replace("test_", ""),
                    config_with_policy())


@pytest.fixture
def make_daemon():
    """Starts daemons with a given policy for one test; stops them after."""
    started = []

    def make(tag, policy="", extra_flags=()):
        _require_kernel()
        d = Daemon(tag, config_with_policy(policy), extra_flags=extra_flags)
        started.append(d)
        d.start()
        return d

    yield make
    problems = []
    for d in started:
        problems += d.stop()
    if problems:
        pytest.fail("\n".join(problems))


@pytest.fixture
def client(daemon):
    with daemon.client() as c:
        yield c
