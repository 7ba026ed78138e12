"""Plot helpers: one function per figure; each takes data (and an optional ``ax``), returns the
matplotlib Figure, never mutates its input, never calls ``show()`` and never saves on its own.

Submodules by analysis: ``corpus``, ``groups``, ``compare``, ``topics``.
"""

import matplotlib.pyplot as plt


def new_figure(figsize=(8, 4), *, nrows: int = 1, ncols: int = 1, **kwargs):
    """A new Figure and its axes, already closed in pyplot: a notebook shows it once (as the cell's
    returned value) and figures do not pile up in pyplot's global state. Use it in every plot helper."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kwargs)
    plt.close(fig)
    return fig, axes


def figure_for(ax, figsize=(8, 4)):
    """(fig, ax): the given axes' figure, or a new figure when ``ax`` is None."""
    if ax is not None:
        return ax.figure, ax
    return new_figure(figsize)
