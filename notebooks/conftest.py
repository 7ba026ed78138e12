"""nbval settings for the notebooks: outputs that vary between runs (HTML tables, SVG, images,
stderr such as progress bars and warnings) are left out of the comparison; cells marked
``# NBVAL_CHECK_OUTPUT`` compare their plain-text output."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collectstart(collector):
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb":
        collector.skip_compare += ("text/html", "image/svg+xml", "image/png", "application/javascript",
                                   "application/vnd.jupyter.widget-view+json", "stderr")
