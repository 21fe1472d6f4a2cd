import os
from pathlib import Path

import pytest

from analysis import load_corpus

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
MINI = FIXTURES / "mini"
CORPUS = ROOT / "corpus"

# Under `make test` (parallel by default) the tests would hand the parent make's jobserver
# settings to the makes they start, which cannot reach it and print a warning on stderr.
# The tests' makes are independent runs, as a user's would be.
for _name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def corpus5():
    """The five project documents."""
    return load_corpus(CORPUS)


@pytest.fixture(scope="session")
def mini():
    """Three short documents (two .txt, one .md) with planted structure."""
    return load_corpus(MINI)
