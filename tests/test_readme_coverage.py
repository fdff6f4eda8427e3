"""The README's table of NumPy functions is the one generated from the dispatch name map."""
from docs import numpy_coverage


def test_readme_table_matches_the_name_map():
    text = numpy_coverage.README.read_text(encoding="utf-8")
    current = numpy_coverage.readme_block(text)
    assert current is not None, "README.md lost its numpy-coverage markers"
    assert current == numpy_coverage.table(), (
        "README.md's NumPy table is out of date: run `python -m docs.numpy_coverage --write`"
    )


def test_table_lists_every_dispatched_function_and_the_peers():
    block = numpy_coverage.table()
    for name in numpy_coverage.npgrad_functions() | numpy_coverage.HIPS | numpy_coverage.MYGRAD:
        assert f"| `np.{name}` |" in block
    assert "| `np.sin` | ✓ | ✓ | ✓ |" in block
