"""Samplesheets (CSV/TSV) in the nf-core convention -> the items of a :class:`pynf.Queue`.

One row is one item, a dict keyed by the module's element names:

* ``sample`` (required, unique, not empty) becomes ``meta["id"]``;
* ``fastq_1`` / ``fastq_2`` become the reads element (``reads`` unless renamed): a list of one or two
  paths; ``meta["single_end"]`` is ``True`` when ``fastq_2`` is empty, else ``False``;
* ``columns={"bam": "input", "bai": "index"}`` puts a column's file into an element of that name
  (required unless the column is in ``optional``, where an empty cell is ``[]``, "no file");
* every other column goes into ``meta`` as text (``meta=[...]`` keeps only the columns listed).

Relative paths are relative to the sheet's folder; local files must exist. Errors are
:class:`~pynf.errors.SamplesheetError` naming the row (its line number in the file) and the column.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pynf.errors import SamplesheetError

__all__ = ["read_samplesheet", "SAMPLE", "FASTQ_1", "FASTQ_2"]

SAMPLE, FASTQ_1, FASTQ_2 = "sample", "fastq_1", "fastq_2"
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_TAB_SUFFIXES = (".tsv", ".tab", ".txt")


def _separator(path: Path, sep: str | None) -> str:
    if sep is not None:
        if not isinstance(sep, str) or len(sep) != 1:
            raise SamplesheetError(f"sep must be one character, got {sep!r}", sheet=str(path))
        return sep
    return "\t" if path.suffix.lower() in _TAB_SUFFIXES else ","


def _rows(path: Path, sep: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SamplesheetError("file not found", sheet=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SamplesheetError(f"cannot be read: {exc}", sheet=str(path)) from None
    reader = csv.reader(text.splitlines(), delimiter=sep)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        cells = [c.strip() for c in cells]
        if header is None:
            header = cells
            dupes = sorted({c for c in header if header.count(c) > 1})
            if dupes or "" in header:
                what = f"repeats column(s) {', '.join(dupes)}" if dupes else "has a column without a name"
                raise SamplesheetError(f"the header {what}", sheet=str(path), row=line)
            continue
        if len(cells) > len(header):
            raise SamplesheetError(f"{len(cells)} cells but the header names {len(header)} columns",
                                   sheet=str(path), row=line)
        rows.append((line, dict(zip(header, cells + [""] * (len(header) - len(cells))))))
    if header is None:
        raise SamplesheetError("the sheet is empty (expected a header line, then one row per sample)", sheet=str(path))
    if not rows:
        raise SamplesheetError("the sheet has a header but no rows", sheet=str(path))
    return header, rows


def _path(cell: str, base: Path, check: bool, sheet: str, line: int, column: str) -> str:
    if _URI.match(cell) and not cell.startswith("file://"):
        return cell
    local = Path(os.path.expanduser(cell[len("file://"):] if cell.startswith("file://") else cell))
    local = local if local.is_absolute() else base / local
    if check and not local.exists():
        raise SamplesheetError(f"file not found: {local}", sheet=sheet, row=line, column=column)
    return str(local)


def _check_columns(header: list[str], columns: Mapping[str, str], meta: Collection[str] | None,
                   optional: Collection[str], sheet: str) -> None:
    if SAMPLE not in header:
        raise SamplesheetError(f"no '{SAMPLE}' column (the header is: {', '.join(header)})", sheet=sheet,
                               column=SAMPLE)
    if FASTQ_2 in header and FASTQ_1 not in header:
        raise SamplesheetError(f"'{FASTQ_2}' without '{FASTQ_1}'", sheet=sheet, column=FASTQ_1)
    for column in [*columns, *(meta or ()), *optional]:
        if column not in header:
            raise SamplesheetError(f"no such column (the header is: {', '.join(header)})", sheet=sheet, column=column)
    for column in optional:
        if column not in columns:
            raise SamplesheetError("listed in optional= but not mapped to an element in columns=", sheet=sheet,
                                   column=column)


def read_samplesheet(path: str | os.PathLike[str], *, sep: str | None = None, reads: str = "reads",
                     columns: Mapping[str, str] | None = None, meta: Collection[str] | None = None,
                     optional: Collection[str] = (), check_files: bool = True) -> list[dict[str, Any]]:
    """The rows of a samplesheet as queue items ``{"meta": {...}, reads: [...], element: file, ...}``.

    ``sep`` defaults to a tab for ``.tsv``/``.tab``/``.txt`` and a comma otherwise.
    """
    sheet_path = Path(path).expanduser().absolute()
    sheet = str(sheet_path)
    columns = dict(columns or {})
    for column, element in columns.items():
        if not isinstance(element, str) or not element or element in ("meta", reads):
            raise SamplesheetError(f"columns= maps it to {element!r}; give an element name other than 'meta' and "
                                   f"'{reads}'", sheet=sheet, column=column)
    header, rows = _rows(sheet_path, _separator(sheet_path, sep))
    _check_columns(header, columns, meta, optional, sheet)
    taken = {SAMPLE, FASTQ_1, FASTQ_2, *columns}
    meta_columns = [c for c in (meta if meta is not None else header) if c not in taken]
    base = sheet_path.parent
    seen: dict[str, int] = {}
    items: list[dict[str, Any]] = []
    for line, row in rows:
        sample = row[SAMPLE]
        if not sample:
            raise SamplesheetError("empty cell: every row needs a sample name", sheet=sheet, row=line, column=SAMPLE)
        if sample in seen:
            raise SamplesheetError(f"sample '{sample}' is already on row {seen[sample]} (sample names must be unique)",
                                   sheet=sheet, row=line, column=SAMPLE)
        seen[sample] = line
        item_meta: dict[str, Any] = {"id": sample}
        item: dict[str, Any] = {"meta": item_meta}
        if FASTQ_1 in header:
            if not row[FASTQ_1]:
                raise SamplesheetError("empty cell: every row needs its first FASTQ file", sheet=sheet, row=line,
                                       column=FASTQ_1)
            files = [_path(row[FASTQ_1], base, check_files, sheet, line, FASTQ_1)]
            if row.get(FASTQ_2):
                files.append(_path(row[FASTQ_2], base, check_files, sheet, line, FASTQ_2))
            item_meta["single_end"] = len(files) == 1
            item[reads] = files
        for column in meta_columns:
            item_meta[column] = row[column]
        for column, element in columns.items():
            if row[column]:
                item[element] = _path(row[column], base, check_files, sheet, line, column)
            elif column in optional:
                item[element] = []
            else:
                raise SamplesheetError(f"empty cell: every row needs a file for element '{element}' (or list the "
                                       "column in optional=)", sheet=sheet, row=line, column=column)
        items.append(item)
    return items
