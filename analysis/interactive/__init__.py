"""Interactive views for JupyterLab and the offline HTML reports: searchable tables (``tables``), the
evidence browser (``evidence``), the co-mention network (``network``), keyword in context (``kwic``), the
topic map (``topicmap``), corrections by the analyst (``corrections``) and exports for papers
(``exports``). The JavaScript libraries come from installed packages and are inlined (``assets``)."""
__all__: list[str] = []
