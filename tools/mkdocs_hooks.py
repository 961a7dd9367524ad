"""MkDocs hooks (mkdocs.yml ``hooks:``): pages generated from the code at build time.

* ``<!-- cli-reference -->`` becomes the help of every command, from the argparse parsers the CLI
  uses (:func:`claimbench.cli.build_parser`), so the reference cannot drift from the code;
* ``<!-- example-scorecard -->`` becomes the scorecard of the shipped recorded run (data/runs),
  rendered by the same function as the report's index.
"""

from __future__ import annotations

import importlib
import re

_FIELDS = re.compile(r"<!-- fields: ([\w.]+) -->")


def cli_reference() -> str:
    """Markdown: one section per command with its ``--help`` text."""
    from claimbench.cli import build_parser
    from claimbench.cli._conventions import subparsers

    root = build_parser()
    parts = ["## claimbench", "", "```text", root.format_help().rstrip(), "```", ""]
    for command in subparsers(root):
        for leaf in subparsers(command) or [command]:
            parts += [f"## {leaf.prog}", "", "```text", leaf.format_help().rstrip(), "```", ""]
    return "\n".join(parts)


def example_scorecard() -> str:
    """HTML: the scorecard of the shipped recorded run, with the report's own stylesheet."""
    from claimbench.load.paths import packaged_data_dir
    from claimbench.report.scorecard import CSS, scorecard_html
    from claimbench.report.steps import verify

    result = verify(packaged_data_dir() / "runs", seed=0)
    css = "\n".join(line for line in CSS.splitlines() if not line.startswith("body{"))
    body = scorecard_html(result.verdicts_json, card_href=None)
    return f'<div class="cb-example"><style>{css}</style>{body}</div>'


def _type_text(annotation) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("claimbench.schema.", "").replace("|", "\\|")


def field_table(dotted: str) -> str:
    """Markdown table of a typed record's fields: name, type, required, description."""
    module, _, name = dotted.rpartition(".")
    model = getattr(importlib.import_module(module), name)
    rows = ["| field | type | required | meaning |", "|---|---|---|---|"]
    for field, info in model.model_fields.items():
        key = info.alias or field
        desc = " ".join((info.description or "").split()).replace("|", "\\|") or "–"
        rows.append(f"| `{key}` | `{_type_text(info.annotation)}` | {'yes' if info.is_required() else 'no'} | {desc} |")
    doc = " ".join((model.__doc__ or "").split())
    return (f"{doc}\n\n" if doc else "") + "\n".join(rows)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Replace the placeholders of generated content."""
    if "<!-- cli-reference -->" in markdown:
        markdown = markdown.replace("<!-- cli-reference -->", cli_reference())
    markdown = _FIELDS.sub(lambda m: field_table(m.group(1)), markdown)
    if "<!-- example-scorecard -->" in markdown:
        markdown = markdown.replace("<!-- example-scorecard -->", example_scorecard())
    return markdown
