"""Reporting: notebook steps and helpers, charts, tables and the papermill pipeline."""
