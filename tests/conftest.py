from pathlib import Path

import pytest

from analysis import load_corpus

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
MINI = FIXTURES / "mini"
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus5():
    """The five project documents."""
    return load_corpus(CORPUS)


@pytest.fixture(scope="session")
def mini():
    """Three short documents (two .txt, one .md) with planted structure."""
    return load_corpus(MINI)
