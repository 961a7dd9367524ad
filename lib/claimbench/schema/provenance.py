"""Provenance of a figure: who published it, in which document, and how it came to be.

Corroboration is computed from these fields (never from a name match on free text): the
publisher's organisation is resolved through ``data/orgs`` (aliases, subsidiaries), and a
figure from the claim's own organisation or its own source document is self-reported.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from claimbench.schema.base import Strict

__all__ = ["Origin", "Provenance"]

Origin = Literal["publication", "peer-reviewed-submission", "unattributed-file", "measured-here"]
"""How a figure came to be:

* ``publication`` — published by an organisation (a paper, blog, press release, vendor page);
  whether that is the claimant or a third party is decided against the claim, from ``publisher``;
* ``peer-reviewed-submission`` — submitted by a vendor and reviewed by peers under published rules
  (MLPerf Inference, closed division);
* ``unattributed-file`` — an imported result file whose producer is not known (a peer tool's JSON
  passed with ``--evidence`` and no publisher stated);
* ``measured-here`` — a claimbench run bundle measured by the analyst (``document_sha256`` is the
  bundle's hash).
"""


class Provenance(Strict):
    """Where one evidence record comes from."""

    origin: Origin
    publisher: str | None = Field(
        default=None, description="the organisation that published or submitted the figure, as it names itself"
    )
    document: str | None = Field(default=None, description="URL or DOI of the source document")
    document_sha256: str | None = Field(
        default=None, description="SHA-256 of the file the figure was read from, when there is one"
    )
    locator: str | None = Field(
        default=None,
        description="where in the document: table/page/row, or repository@commit:path for a file in a repository",
    )
    retrieved: str | None = Field(default=None, description="date the document was read (YYYY-MM-DD)")
    published: str | None = Field(
        default=None,
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?((<)?\.\.\d{4}(-\d{2}(-\d{2})?)?)?$",
        description="date the figure was first published, ISO-like (2026-04-01, 2026-04), or a range when only "
        "bounds are known: 'A..B' (A to B), 'A<..B' (after A, by B); null: unknown (the source's date may say)",
    )
