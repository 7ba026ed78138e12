"""Analysis workbook for alliances among armed groups in the Syrian war.

``analysis.load_corpus()`` returns the corpus tables (building them when stale); the modules
``ingest``, ``clean``, ``metadata``, ``text``, ``build`` make them. See docs/data_contract.md.
"""
__version__ = "0.1.0"


def load_corpus(*args, **kwargs):
    """See :func:`analysis.corpus.load_corpus`."""
    from .corpus import load_corpus as _load

    return _load(*args, **kwargs)


__all__ = ["load_corpus", "__version__"]
