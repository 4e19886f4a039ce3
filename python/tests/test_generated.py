"""The checked-in generated modules (bpfwarden/_proto) are what
tools/regen-python makes from proto/ now: it fails when they are stale."""
import filecmp
import os
import subprocess

from bpfwarden_daemon import PACKAGE_ROOT, SOURCE_ROOT


def test_generated_modules_are_current(tmp_path):
    regen = os.path.join(SOURCE_ROOT, "tools", "regen-python")
    done = subprocess.run([regen, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    checked_in = os.path.join(PACKAGE_ROOT, "bpfwarden", "_proto")
    names = sorted(n for n in os.listdir(tmp_path))
    assert names == sorted(n for n in os.listdir(checked_in)
                           if n != "__pycache__")
    stale = [n for n in names
             if not filecmp.cmp(tmp_path / n, os.path.join(checked_in, n),
                                shallow=False)]
    assert not stale, (f"{stale} differ from what proto/ generates: run "
                       "tools/regen-python and commit the result")
