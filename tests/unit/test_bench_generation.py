"""A model's peak memory is measured in its own child process, not inherited from the bench around it."""
import subprocess
import sys

from bench import REPO_ROOT
from bench.generation import peak_rss_mb

CHILD = "from bench.generation import peak_rss_mb; print(peak_rss_mb())"


def test_a_child_does_not_report_its_parents_peak():
    ballast = bytearray(400 * 1024 * 1024)  # the parent's peak grows by 400 MB, touched page by page
    ballast[::4096] = b"x" * len(ballast[::4096])
    parent = peak_rss_mb()
    child = float(subprocess.run([sys.executable, "-c", CHILD], cwd=REPO_ROOT, capture_output=True, text=True,
                                 check=True, timeout=300).stdout)
    del ballast
    assert parent > 400
    assert child < parent - 300
