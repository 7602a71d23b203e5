"""The shape of a built report: headline figures, charts and the tables behind them, as JSON.

A chart names the table that holds its numbers, so the page can show that table beside it for
people who cannot see the chart, and a table exports as CSV with the same columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

Row = Mapping[str, Any]


def figure(label: str, value: str) -> dict[str, str]:
    return {"label": label, "value": value}


def table(
    table_id: str, title: str, columns: Sequence[tuple[str, str]], rows: Sequence[Row]
) -> dict[str, Any]:
    """`columns` are (key, heading) pairs; each row maps keys to values (extra keys are kept
    for the page's actions but are not shown or exported)."""
    return {
        "id": table_id,
        "title": title,
        "columns": [{"key": key, "label": label} for key, label in columns],
        "rows": [dict(row) for row in rows],
    }


def chart(
    chart_id: str,
    title: str,
    kind: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    table_id: str,
) -> dict[str, Any]:
    """A bar or line chart; `series` maps each line's name to its values, one per label."""
    return {
        "id": chart_id,
        "title": title,
        "kind": kind,
        "labels": list(labels),
        "series": [{"name": name, "values": list(values)} for name, values in series.items()],
        "table": table_id,
    }


def report(
    name: str,
    title: str,
    filters: Mapping[str, Any],
    headline: Sequence[Mapping[str, str]],
    charts: Sequence[Mapping[str, Any]],
    tables: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    return {
        "name": name,
        "title": title,
        "filters": dict(filters),
        "headline": list(headline),
        "charts": list(charts),
        "tables": list(tables),
    }


def find_table(data: Mapping[str, Any], table_id: str) -> Mapping[str, Any] | None:
    return next((t for t in data.get("tables", ()) if t["id"] == table_id), None)


def to_csv(data: Mapping[str, Any]) -> str:
    """A table as CSV: its column headings, then each row's values in that order."""
    out = io.StringIO()
    writer = csv.writer(out)
    keys = [column["key"] for column in data["columns"]]
    writer.writerow([column["label"] for column in data["columns"]])
    for row in data["rows"]:
        writer.writerow([_cell(row.get(key)) for key in keys])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # A spreadsheet runs a cell that starts with =, +, - or @ as a formula: keep it text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent, one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None
