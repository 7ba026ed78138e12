"""Analysis workbook for alliances among armed groups in the Syrian war.

``analysis.load_corpus()`` returns the corpus (its tables read lazily; built first when stale); the
build's stages are declared in ``stages`` and run by ``build`` on Dask (``executor``) over partitions
stored by ``store``; ``ingest``, ``clean``, ``metadata``, ``text`` do the per-document work. See
docs/data_contract.md.
"""
__version__ = "0.1.0"


def load_corpus(*args, **kwargs):
    """See :func:`analysis.corpus.load_corpus`."""
    from .corpus import load_corpus as _load

    return _load(*args, **kwargs)


__all__ = ["load_corpus", "__version__"]
