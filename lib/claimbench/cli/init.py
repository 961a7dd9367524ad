"""``claimbench init DIR``: copy the shipped notebooks and data into DIR for editing."""

from __future__ import annotations

import argparse
import json


def register(sub) -> None:
    """Add ``claimbench init`` to the command parsers."""
    p = sub.add_parser(
        "init",
        help="copy the shipped notebooks and data into DIR for editing",
        description="Copy claimbench's notebooks/ and data/ (claims, hardware, models, prices, reference, "
        "recorded runs) into DIR. Then use your copy with --data-dir DIR/data (your files replace the "
        "shipped ones of the same name) and claimbench report --notebooks DIR/notebooks.",
    )
    p.add_argument("dir", metavar="DIR", help="target folder (created if missing)")
    p.add_argument(
        "--force", action="store_true", help="overwrite files of the same name in DIR/data and DIR/notebooks"
    )
    p.add_argument("--json", action="store_true", help="print JSON: the folders and files written")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """``claimbench init``: copy the shipped data into a workspace the user can edit."""
    from claimbench.load.workspace import init_workspace

    res = init_workspace(args.dir, force=args.force)
    if args.json:
        print(
            json.dumps(
                {
                    "data_dir": str(res.data_dir),
                    "notebooks_dir": str(res.notebooks_dir),
                    "files": [str(f) for f in res.files],
                },
                indent=2,
                sort_keys=True,
            )
        )
        return 0
    print(f"copied {len(res.files)} files into {res.root}")
    print(f"  use your data:      claimbench --data-dir {res.data_dir} verify")
    print(f"  run your notebooks: claimbench report --notebooks {res.notebooks_dir}")
    return 0
