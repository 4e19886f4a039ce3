"""The package used by an unprivileged process: nobody (uid and gid 65534,
in the socket's group nogroup), run as a separate /usr/bin/python3, reads
what the policy grants and gets bpfwarden.PermissionDenied, with the
daemon's message, for what it does not; a uid outside the socket's group
cannot connect at all (bpfwarden.Unavailable)."""
import json
import os
import shutil
import subprocess

from bpfwarden_daemon import PACKAGE_ROOT

NOBODY = 65534

READ_COUNTERS = """
policy {
  program_set: "bpfwarden"
  map: "tcp_tune_*"
  principals: "uid:65534"
  allow: READ
}
"""

# Runs as nobody: each call's result or exception, as JSON on stdout.
_PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import bpfwarden

def outcome(f):
    try:
        return {"ok": f()}
    except bpfwarden.Error as e:
        return {"error": type(e).__name__, "message": e.message}

with bpfwarden.Client(sys.argv[2], timeout=10) as c:
    print(json.dumps({
        "caller": outcome(lambda: c.status().caller),
        "lookup": outcome(lambda: c.lookup("bpfwarden", "tcp_tune_counters",
                                           {"rule_id": 42})),
        "update": outcome(lambda: c.update("bpfwarden", "tcp_tune_counters",
                                           {"rule_id": 42}, {"matched": 9},
                                           zero_fill=True)),
        "stats": outcome(lambda: list(c.dump("bpfwarden", "tcp_stats"))),
        "maps": outcome(lambda: sorted(m.name for m in c.maps())),
        "unload": outcome(lambda: c.unload("bpfwarden")),
    }))
"""


def run_as(daemon, uid, gid):
    """The probe as uid/gid against `daemon`, importing the package from a
    copy in the daemon's work directory (the source tree may not be
    readable by nobody)."""
    pkg = os.path.join(daemon.work, "pkg")
    if not os.path.isdir(pkg):
        shutil.copytree(os.path.join(PACKAGE_ROOT, "bpfwarden"),
                        os.path.join(pkg, "bpfwarden"))
        for root, dirs, files in os.walk(pkg):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755)
        os.chmod(pkg, 0o755)
    done = subprocess.run(
        ["/usr/bin/python3", "-c", _PROBE, pkg, daemon.socket],
        user=uid, group=gid, extra_groups=[gid], capture_output=True,
        text=True, timeout=60, cwd="/", env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_nobody_reads_what_the_policy_grants(make_daemon):
    daemon = make_daemon("unpriv", READ_COUNTERS)
    with daemon.client() as root:
        root.update("bpfwarden", "tcp_tune_counters", {"rule_id": 42},
                    {"matched": 3}, zero_fill=True)
        got = run_as(daemon, NOBODY, NOBODY)
        assert got["caller"]["ok"].startswith("uid:65534(nobody) gid:65534")
        assert got["lookup"]["ok"]["matched"] == 3
        assert got["update"] == {
            "error": "PermissionDenied",
            "message": "Maps.Update on map bpfwarden/tcp_tune_counters: "
                       "permission denied (write access required)"}
        assert got["stats"]["error"] == "PermissionDenied"
        assert "bpfwarden/tcp_stats" in got["stats"]["message"]
        assert got["maps"]["ok"] == ["tcp_tune_conn", "tcp_tune_counters",
                                     "tcp_tune_rules"]
        assert got["unload"]["error"] == "PermissionDenied"
        # Untouched.
        assert root.lookup("bpfwarden", "tcp_tune_counters",
                           {"rule_id": 42})["matched"] == 3


def test_outside_the_socket_group_no_connection(make_daemon):
    daemon = make_daemon("group", READ_COUNTERS)
    got = run_as(daemon, NOBODY, 65533)
    assert set(got["caller"]) == {"error", "message"}
    assert got["caller"]["error"] == "Unavailable", got
