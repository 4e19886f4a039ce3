"""`pip install ./python` works offline on Debian 12 against Debian's
python3-grpcio and python3-protobuf: into a venv made with
--system-site-packages, with --no-build-isolation --no-index (setuptools
from python3-setuptools), and the installed package talks to the daemon."""
import os
import shutil
import subprocess

from bpfwarden_daemon import PACKAGE_ROOT


def test_pip_install_offline_into_a_venv(tmp_path, daemon):
    src = tmp_path / "src"
    # A real copy (the Bazel runfiles tree is symlinks), without caches.
    shutil.copytree(PACKAGE_ROOT, src, ignore=shutil.ignore_patterns(
        "__pycache__", "tests", "*.egg-info", "build"))
    venv = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv",
                    "--system-site-packages", str(venv)], check=True,
                   timeout=120)
    py = str(venv / "bin" / "python")
    done = subprocess.run(
        [py, "-m", "pip", "install", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--no-cache-dir", str(src)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PIP_NO_INPUT": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    probe = ("import bpfwarden, sys; "
             "assert bpfwarden.__file__.startswith(sys.prefix), "
             "bpfwarden.__file__; "
             "c = bpfwarden.Client(sys.argv[1]); "
             "print(c.status().caller); "
             "print(c.map('bpfwarden', 'tcp_tune_rules').key_layout"
             ".field('addr').kind)")
    run = subprocess.run([py, "-c", probe, daemon.socket], cwd=str(tmp_path),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    caller, kind = run.stdout.split("\n")[:2]
    assert caller.startswith("uid:0(root)") and kind == "ip_addr"
    # The type information ships too.
    site = subprocess.run([py, "-c", "import bpfwarden, os; "
                           "print(os.path.dirname(bpfwarden.__file__))"],
                          cwd=str(tmp_path), capture_output=True, text=True,
                          check=True).stdout.strip()
    assert os.path.exists(os.path.join(site, "py.typed"))
    assert os.path.exists(os.path.join(site, "_proto", "api_pb2.pyi"))
