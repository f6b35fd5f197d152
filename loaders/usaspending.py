"""USAspending contract downloads -> contracts, agencies (department -> sub-agency -> office), companies.

Reads Prime Award Summaries (`Contracts_PrimeAwardSummaries_*.csv`) and Prime
Transactions (`Contracts_PrimeTransactions_*.csv`) as downloaded: .csv,
.csv.gz or the .zip the site hands out (assistance files inside it are
skipped). Rows are streamed; only the ~40 columns used are kept, one compact
record per award key, so memory follows the number of awards, not the 286
columns.

What each award becomes:
- `contract:<PIID>` (Contract) with amounts, dates, fiscal year and the
  permalink, backed by `source:piid-<piid>` (one Source per permalink);
- AWARDED from the awarding office (PART_OF the sub-agency, PART_OF the
  department) and AWARDED_TO the recipient company, SUBSIDIARY_OF its parent;
- FOR_PRODUCT a known product (ICM, FALCON-SA...) the description names.
Hierarchy and parent links cite the file's own Source node.

Transactions add obligations per fiscal year (kept when the schema has a
property for them; see docs/LOADING.md) and fill awards the summaries lack.

Summaries rows that are plainly clean and share their award with no other
row or stored record never become Python objects: they are held in columns
(loaders.award_columns, columnar_awards), their parties are resolved once per
distinct value (award_parties) and their records handed over as columnar
parts (award_parts). Every other row goes through the row logic, and
the result is the same either way (tests/loaders/test_columnar_awards.py).

One load is one UsaspendingLoad, whose jobs sit in their own modules:
usaspending_read (the files and their rows), usaspending_rows (the row logic:
rows into awards), usaspending_held (which held rows leave for the row logic)
and usaspending_build (the records of each award).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from loaders import values
from loaders.columnar_awards import ColumnarAwards
from loaders.graphbatch import GraphBatch
from loaders.report import LoadReport, Progress
from loaders.resolve import Resolver, clean_uei
from loaders.usaspending_build import AwardBuilder
from loaders.usaspending_read import UsaspendingFiles
from loaders.usaspending_rows import Award


@dataclass
class UsaspendingLoad(UsaspendingFiles, AwardBuilder):
    """State of one `usaspending` run across all its files.

    What it does is in the classes it is made of, one job each (see above); they share this one state.
    """

    batch: GraphBatch
    resolver: Resolver
    report: LoadReport
    awards: dict[str, Award] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)
    progress_factory: Callable[[str, int | None], Progress] = Progress
    columnar: ColumnarAwards = field(default_factory=ColumnarAwards)
    _seq: int = 0  # the row being read, counted across the load's files
    _store_ids: tuple[set[str], set[str]] | None = None  # Contract and Source ids in the store, when asked
    # Converters remembered per cell text: a file repeats its dates, years and UEIs on many rows.
    _date: Callable[[str], str | None] = field(default_factory=lambda: values.memoized(values.date))
    _fiscal_year: Callable[[str], int | None] = field(default_factory=lambda: values.memoized(values.fiscal_year))
    _uei: Callable[[str], str | None] = field(default_factory=lambda: values.memoized(clean_uei))


def load_usaspending(paths: Iterable[Path], batch: GraphBatch, resolver: Resolver, report: LoadReport, *,
                     strict: bool = True,
                     progress_factory: Callable[[str, int | None], Progress] = Progress) -> UsaspendingLoad:
    """Read every file (raising LoadError on bad input), then build the batch.

    Rows with malformed values are always left out and listed in the report;
    with `strict` the batch is not even built when there are any, since the
    caller will stop without writing.
    """
    state = UsaspendingLoad(batch, resolver, report, progress_factory=progress_factory)
    for path in paths:
        state.read_file(Path(path))
    if strict and report.malformed:
        return state
    state.build()
    return state
