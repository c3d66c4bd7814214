"""Reports for review writing, built on :mod:`exodb.queries` and read with SQLAlchemy Core.

Each report is a :class:`Report`: a title, ordered columns with their headings, rows and
footnotes. :mod:`exodb.render` turns it into text, Markdown, LaTeX, CSV or JSON.

- :mod:`~exodb.reports.report`: the :class:`Report` and :class:`Count` types, :func:`cite`;
- :mod:`~exodb.reports.tables`: the review's Tables 1-3 regenerated;
- :mod:`~exodb.reports.crosstabs`: the evidence matrix and the convergence report, counted over
  the dimensions of :mod:`~exodb.reports.dimensions` with :mod:`~exodb.reports.postings`;
- :mod:`~exodb.reports.gapmap`: the evidence gap map;
- :mod:`~exodb.reports.overview`: the one-page summary and the quantitative outcomes;
- :mod:`~exodb.reports.reporting_quality`: the MISEV reporting items each EV preparation
  reports (:func:`misev_reporting`);
- :mod:`~exodb.reports.meta_analysis`: the extraction's comparisons pooled
  (:func:`meta_analysis`), reported by :mod:`~exodb.reports.pooled` (which also pools a CSV,
  :func:`meta_analysis_of_file`);
- :mod:`~exodb.reports.cache`: cross-tabs kept until the data change;
- :mod:`~exodb.reports.figures`: the evidence matrix and the reporting items as heatmaps.

Every report is importable from here; the command line looks them up on this package by name.
"""

from exodb.reports.crosstabs import convergence, evidence_matrix, molecule_ancestry
from exodb.reports.dimensions import (
    CARGO_ROLES,
    COLUMN_DIMENSIONS,
    ROW_DIMENSIONS,
    _profiled_ancestors,
    _species_ancestors,
)
from exodb.reports.gapmap import GAP_SPECIES, gaps
from exodb.reports.meta_analysis import BY_DIMENSIONS, meta_analysis, metafor_table
from exodb.reports.overview import outcomes, summary
from exodb.reports.pooled import MetaAnalysisReport, meta_analysis_of_file
from exodb.reports.report import Count, Report, cite
from exodb.reports.reporting_quality import misev_reporting
from exodb.reports.tables import (
    table1_cell_sources,
    table2_mechanisms,
    table3_delivery_systems,
)

__all__ = [
    "BY_DIMENSIONS",
    "CARGO_ROLES",
    "COLUMN_DIMENSIONS",
    "GAP_SPECIES",
    "ROW_DIMENSIONS",
    "Count",
    "MetaAnalysisReport",
    "Report",
    "cite",
    "convergence",
    "evidence_matrix",
    "gaps",
    "meta_analysis",
    "meta_analysis_of_file",
    "metafor_table",
    "misev_reporting",
    "molecule_ancestry",
    "outcomes",
    "summary",
    "table1_cell_sources",
    "table2_mechanisms",
    "table3_delivery_systems",
    # The hierarchies the cross-tabs roll up by, which the cross-tab tests check against.
    "_profiled_ancestors",
    "_species_ancestors",
]
