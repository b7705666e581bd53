"""The user's alias file: `alias,canonical,kind` rows that merge or split actors.

A row maps a name as the ETL wrote it to the name the user wants ("Amir Khan Muttaqi" →
"Amir Khan Muttaqi", "Mullah Baradar" → "Abdul Ghani Baradar"); a row whose alias equals its
canonical name pins the name, so the corpus-level linking leaves it alone (a split). `kind`
(person, organization or country) limits the row to that kind; empty means any kind. The file
is read on every run and applied after the per-article cache, so editing it costs no parsing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from etl.records import ACTOR_KINDS

HEADER = ("alias", "canonical", "kind")


class AliasFileError(ValueError):
    """The alias file cannot be used at all (missing, unreadable, no header)."""


@dataclass(frozen=True, slots=True)
class Alias:
    alias: str
    canonical: str
    kind: str  # one of ACTOR_KINDS, or "" for any
    where: str  # "aliases.csv line 3": the reason shown with every row it changed


def read_aliases(path: str | Path) -> tuple[list[Alias], list[str]]:
    """The usable rows of the file, and one message per row that was skipped."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AliasFileError(f"{path}: no such alias file; create it with the header "
                             "'alias,canonical,kind' or drop --aliases") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AliasFileError(f"{path}: cannot read the alias file ({exc}); save it as "
                             "UTF-8 CSV") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["alias", "canonical"]:
        raise AliasFileError(f"{path}: the first line must be the header "
                             "'alias,canonical,kind'")
    aliases: list[Alias] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + ["", "", ""]
        alias, canonical, kind = cells[0], cells[1], cells[2].lower()
        if not any(cells):
            continue
        where = f"{path.name} line {line}"
        if not alias or not canonical:
            problems.append(f"{where}: needs both an alias and a canonical name; skipped")
        elif kind and kind not in ACTOR_KINDS:
            problems.append(f"{where}: kind '{kind}' is not one of {', '.join(ACTOR_KINDS)} "
                            "(or empty for any); skipped")
        elif (alias, kind) in seen:
            problems.append(f"{where}: '{alias}' is already mapped on line "
                            f"{seen[(alias, kind)]}; skipped")
        else:
            seen[(alias, kind)] = line
            aliases.append(Alias(alias, canonical, kind, where))
    return aliases, problems
