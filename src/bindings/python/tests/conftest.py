"""conftest.py: where the tests find the source tree, the translit command
(whose output the binding must equal) and a spell cache shared by both."""

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("TL_SOURCE_DIR") or os.path.normpath(
    os.path.join(HERE, "..", "..", "..", ".."))
# Import the package from this source tree, not an installed copy.
sys.path.insert(0, os.path.dirname(HERE))


@pytest.fixture(scope="session")
def src():
    return SRC


@pytest.fixture(scope="session")
def sample(src):
    def path(name):
        return os.path.join(src, "tests", "data", "sample", name)
    return path


@pytest.fixture(scope="session")
def cli():
    exe = os.environ.get("TRANSLIT_CLI") or os.path.join(SRC, "build",
                                                         "translit")
    if not os.access(exe, os.X_OK):
        pytest.fail("translit command not found at %s (set TRANSLIT_CLI)"
                    % exe)

    def run(*args, check=True, stdin=None):
        p = subprocess.run([exe, *args], input=stdin, capture_output=True)
        if check and p.returncode not in (0, 1):
            raise AssertionError("translit %s: exit %d: %s" % (
                " ".join(args), p.returncode, p.stderr.decode()))
        return p
    return run


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """One cache of the Uzbek Latin dictionary for the command and the
    binding, so that both judge words with the same dictionary."""
    return str(tmp_path_factory.mktemp("spell-cache"))
