"""claimbench benchmarks: ``python -m benchmarks.run [--quick]`` runs them all; each module also
runs alone (``python -m benchmarks.client_accuracy``). Results go to ``benchmarks/results/*.json``
and the tables in ``benchmarks/README.md`` are rendered from them (:mod:`benchmarks.report`)."""
