"""docs/protocol.md read as data, so that tests hold the server to the page outside clients are
written from: the message types of each direction, the error codes and the closes it lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"


@dataclass(frozen=True)
class ProtocolPage:
    client_types: tuple[str, ...]
    server_types: tuple[str, ...]
    error_codes: tuple[str, ...]
    close_codes: tuple[int, ...]


def read_page(path: Path = PAGE) -> ProtocolPage:
    sections = _sections(path.read_text(encoding="utf-8"))
    return ProtocolPage(
        client_types=_first_cells(sections["Client to server"]),
        server_types=_first_cells(sections["Server to client"]),
        error_codes=_first_cells(sections["Error codes"]),
        close_codes=tuple(int(code) for code in _first_cells(sections["Closes"])),
    )


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _first_cells(section: str) -> tuple[str, ...]:
    """The backticked first cell of every row of the section's table."""
    return tuple(re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE))
