"""Plot helpers: one function per figure; each takes data (and an optional ``ax``), returns the
matplotlib Figure, never mutates its input, never calls ``show()`` and never saves on its own.

Submodules by analysis: ``corpus``, ``groups``, ``compare``, ``topics``.
"""
