"""One escape function per output target, used by every writer (issue 9).

Stored text comes from documents on the web and may carry control characters
(ingest keeps what it is given; a database may predate any cleaning). Written
raw they act on whoever reads the output: ESC starts terminal sequences (OSC 0
retitles the window, OSC 52 writes the clipboard, CSI 2J clears the screen),
CR overwrites a line, and XML 1.0 cannot hold most of them at all. So:

- `for_terminal`: tables, views, warnings, the Markdown and HTML report: every
  control character but tab and newline is shown as `\\xNN` (ESC as `\\x1b`).
  Rich markup in data is never interpreted: tables get `rich.text.Text` cells.
- `for_xml`: PROV (XML, PROV-N, PROV-JSON): as for_terminal, and the two
  noncharacters XML 1.0 forbids (U+FFFE, U+FFFF) as `\\uXXXX`.
- `for_csv`: as for_terminal, and a text cell that a spreadsheet would run as
  a formula (starting with = + - @ or tab) gets a leading `'` (OWASP's CSV
  injection advice). That includes text that reads as a negative number
  ("-3"); numbers claimtrack emits as numbers (counts, ids) are written as they
  are.
- `for_json`: JSON and NL-JSON documents: json.dumps and pydantic escape C0
  controls already (`\\u001b`); DEL and the C1 controls, which they leave raw
  while keeping other non-ASCII readable, are escaped as `\\u00XX` too.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls: what a terminal acts on
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_XML_NONCHARS = re.compile(r"[\ufffe\uffff]")
_JSON_RAW = re.compile(r"[\x7f-\x9f]")  # the controls JSON encoders leave unescaped
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def for_terminal(text: str) -> str:
    """`text` with every control character but tab and newline shown as `\\xNN`."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def for_xml(text: str) -> str:
    """`text` that XML 1.0 can hold and a terminal shows as it is."""
    return _XML_NONCHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", for_terminal(text))


def for_csv(value: Any) -> Any:
    """A CSV cell: numbers as they are; text escaped for a terminal and kept from
    being read as a spreadsheet formula."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = for_terminal(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def for_json(document: str) -> str:
    """A serialised JSON document with DEL and C1 controls escaped as `\\u00XX`
    (they can only occur inside its strings, so the JSON stays equal)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def map_strings(value: Any, fn: Any) -> Any:
    """`value` (model_dump output: dicts, lists, scalars) with `fn` applied to every
    string value; keys are left alone."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [map_strings(v, fn) for v in value]
    return value
