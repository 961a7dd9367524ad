"""Importers for peers' result files: GuideLLM, AIPerf, SemiAnalysis InferenceX, MLPerf Inference.

Each module turns one file format into :class:`~claimbench.schema.evidence.Evidence` records
whose numbers equal the file's own summary (the same figure the tool prints), with the
conditions the file states; what it cannot state is null (unknown) and can be supplied with
``--evidence-meta key=value`` (:mod:`claimbench.load.peers.meta`). Each module defines ``IMPORTER``
(registered in :mod:`claimbench.load.importers`, which picks the most confident one by content);
shared helpers are public in :mod:`claimbench.load.peers.common`.
"""
