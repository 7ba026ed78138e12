"""The few CSS rules the interactive views share (marks in sentences, legends, panels), inlined with each
view so that it looks the same in JupyterLab and in a report."""
from __future__ import annotations

__all__ = ["CSS", "POLARITY_COLOURS", "style_tag"]

POLARITY_COLOURS = {"coop": "#1b9e77", "conflict": "#d7301f", "mixed": "#7570b3", "neutral": "#9e9e9e"}

CSS = """
.wb-datatable tfoot input, .wb-datatable tfoot select { width: 100%; box-sizing: border-box; min-width: 2.5em; font-size: 0.85em; }
.wb-datatable table.dataTable td { vertical-align: top; }
.wb-datatable table.dataTable th, .wb-datatable table.dataTable td { text-align: left; }
.wb-datatable table.dataTable th.dt-right, .wb-datatable table.dataTable td.dt-right { text-align: right; }
.wb-view mark.wb-a, .wb-view mark.wb-b { background: #e8f0fe; color: #0b3d91; font-weight: 600; padding: 0 1px; }
.wb-view mark.wb-coop { background: #d5f0e3; color: #0a5c3c; padding: 0 1px; }
.wb-view mark.wb-conflict { background: #fbd9d3; color: #8c1c0c; padding: 0 1px; }
.wb-view mark.wb-kw { background: #fff3b0; font-weight: 600; padding: 0 1px; }
.wb-view .wb-controls { display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; align-items: center; margin: 0.3em 0 0.6em 0; }
.wb-view .wb-controls label { font-size: 0.9em; }
.wb-view .wb-legend { display: flex; flex-wrap: wrap; gap: 0.2em 1em; font-size: 0.85em; margin: 0.3em 0; }
.wb-view .wb-swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%; margin-right: 0.3em;
  vertical-align: -0.1em; }
.wb-view .wb-line { display: inline-block; width: 1.6em; height: 0.25em; margin-right: 0.3em; vertical-align: 0.2em; }
.wb-view .wb-panel { border: 1px solid #ddd; background: #fafafa; padding: 0.5em 0.8em; margin-top: 0.5em;
  max-height: 28em; overflow-y: auto; font-size: 0.9em; }
.wb-view .wb-meta { color: #555; font-size: 0.85em; }
.wb-view .wb-sentence { margin: 0.15em 0 0.6em 0; line-height: 1.45; }
.wb-view .wb-pol-coop { color: #1b9e77; font-weight: 600; } .wb-view .wb-pol-conflict { color: #d7301f; font-weight: 600; }
.wb-view .wb-pol-mixed { color: #7570b3; font-weight: 600; } .wb-view .wb-pol-neutral { color: #777; }
"""


def style_tag() -> str:
    return f"<style>{CSS}</style>"
