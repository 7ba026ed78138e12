"""Analysis workbook for alliances among armed groups in the Syrian war."""
__version__ = "0.1.0"
