"""The admin reports: question quality, near misses, the pipeline and activity.

Each report is built from the store's figures (written with every battle, never computed on a
game process) by a worker (tasks/reports.py), cached in the store, and served from that cache
at once with its age (serving.py); a stale copy is refreshed in the background, one build at a
time. A report's data is plain JSON (document.py): headline figures, charts, and the tables
behind them, which the pages show and export as CSV. Imports game values and the store port.
"""
