"""The ``signaal`` command line.

Errors caused by input or environment print one line on stderr (``signaal: error: …``) and
exit non-zero; nothing is written before all parameters are validated.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import SignaalError


class _Group(click.Group):
    """A click group whose usage errors are one line too."""

    def main(self, *args, **kwargs):  # noqa: D401
        kwargs.setdefault("standalone_mode", False)
        try:
            rv = super().main(*args, **kwargs)
            return rv if isinstance(rv, int) else 0
        except SignaalError as exc:
            _fail(str(exc), exc.exit_code)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        except click.UsageError as exc:
            hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
            _fail(exc.format_message() + hint, 2)
        except click.exceptions.Abort:
            _fail("aborted", 130)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)


def _fail(message: str, code: int) -> None:
    click.echo(f"signaal: error: {' '.join(message.split())}", err=True)
    sys.exit(code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="signaal")
def main() -> None:
    """Signaal: quarterly fact-and-figure briefings for Twente Board."""


@main.command("run")
@click.option("--quarter", "-q", default="", help="Quarter to brief on, e.g. 2026Q3 (default: latest in the data).")
@click.option("--themes", "-t", default="", help="Comma-separated themes (default: every notebook in notebooks/, and then also the board pack and factsheets).")
@click.option("--region", "-r", default=None, help="Focus COROP region, e.g. CR12 (default from regions.yaml).")
@click.option("--lang", "-l", default="nl", help="Language of the briefings: nl or en.")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None, help="Output folder (default reports/<quarter>).")
@click.option("--vintage", default="", help="Data vintage id (default: newest, else the bundled sample).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project).")
@click.option("--notebooks", type=click.Path(path_type=Path), default=None, help="Notebook folder (default: notebooks/).")
@click.option("--jobs", "-j", type=int, default=None, help="Parallel worker processes (default: number of cores).")
@click.option("--factsheets", default=None, help="Factsheets: gemeenten (the focus region's municipalities), corop (all 40 COROP regions) or none (default: gemeenten for the whole quarter, none with --themes).")
@click.option("--force", is_flag=True, help="Rebuild everything, also what is unchanged since the published run.")
def run_cmd(quarter, themes, region, lang, out, vintage, data_dir, notebooks, jobs, factsheets, force) -> int:
    """Run the quarter: theme briefings, board pack, factsheets, index (HTML + PDF)."""
    from rich.console import Console

    from .run import execute, make_plan

    console = Console(stderr=True, soft_wrap=True)
    plan = make_plan(
        quarter=quarter or None, themes=themes or None, region=region, lang=lang, out=out,
        vintage=vintage or None, data_dir=data_dir, notebooks=notebooks, jobs=jobs, force=force,
        factsheets=factsheets,
    )
    from .progress import observer_for, summary_table

    sample = " (bundled sample data)" if plan.is_sample else ""
    what = "the whole quarter" if plan.whole_quarter else f"{len(plan.themes)} theme(s)"
    console.print(
        f"signaal: {what} for {plan.region}, {plan.quarter}, vintage {plan.vintage_id}{sample}, "
        f"{plan.jobs} job(s) → {plan.out}", highlight=False,
    )
    observer = observer_for(console)
    try:
        result = execute(plan, progress=observer)
    finally:
        getattr(observer, "close", lambda: None)()
    for note in result.recovered:
        console.print(f"signaal: stale staging folder: {note}", highlight=False)
    console.print(summary_table(result))
    if result.archived:
        console.print(f"signaal: previous run kept at {result.archived}", highlight=False)
    for doc in result.failures:
        kept = next((o for o in doc.outputs if o.endswith(".ipynb")), None)
        where = f" (executed notebook kept at {result.out / kept})" if kept else ""
        prefix = f"notebook {doc.notebook} rejected: " if doc.status == "rejected" and doc.notebook and doc.notebook not in (doc.error or "") else ""
        click.echo(f"signaal: error: {prefix}{doc.error}{where}", err=True)
    summary = result.manifest["summary"]
    console.print(
        f"signaal: wrote {result.out} in {result.manifest['timings']['total_seconds']:.1f} s "
        f"({summary['built']} built, {summary['reused']} reused, {summary['failed'] + summary['rejected']} failed)",
        highlight=False,
    )
    return 0 if result.ok else 4


@main.command("themes")
@click.option("--notebooks", type=click.Path(path_type=Path), default=None, help="Notebook folder (default: notebooks/).")
def themes_cmd(notebooks) -> int:
    """List the theme notebooks (and notebooks that are not themes, with the reason)."""
    from .run import theme_notebooks

    themes, rejected = theme_notebooks(notebooks)
    for theme, path in themes.items():
        click.echo(f"{theme}\t{path}")
    for name, reason in rejected.items():
        click.echo(f"signaal: error: not a theme: {reason}", err=True)
    return 0 if not rejected else 4


@main.group("data", cls=_Group)
def data() -> None:
    """Data: the bundled sample and vintages."""


@data.command("sample")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None)
def data_sample(data_dir) -> int:
    """Regenerate the bundled sample (data/sample) from its spec."""
    from . import config
    from .sample import write_sample

    target = (data_dir or config.data_dir()) / "sample"
    write_sample(target)
    click.echo(f"signaal: wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    main()
