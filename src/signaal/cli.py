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
@click.option("--themes", "-t", default="", help="Comma-separated themes (default: every notebook in notebooks/).")
@click.option("--region", "-r", default=None, help="Focus COROP region, e.g. CR12 (default from regions.yaml).")
@click.option("--lang", "-l", default="nl", help="Language of the briefings: nl or en.")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None, help="Output folder (default reports/<quarter>).")
@click.option("--vintage", default="", help="Data vintage id (default: newest, else the bundled sample).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project).")
@click.option("--notebooks", type=click.Path(path_type=Path), default=None, help="Notebook folder (default: notebooks/).")
@click.option("--jobs", "-j", type=int, default=None, help="Parallel notebook processes (default: number of cores).")
@click.option("--force", is_flag=True, help="Rebuild everything.")
def run_cmd(quarter, themes, region, lang, out, vintage, data_dir, notebooks, jobs, force) -> int:
    """Execute the theme notebooks and publish HTML + PDF briefings."""
    from rich.console import Console

    from .run import execute, make_plan

    console = Console(stderr=True, soft_wrap=True)
    plan = make_plan(
        quarter=quarter or None, themes=themes or None, region=region, lang=lang, out=out,
        vintage=vintage or None, data_dir=data_dir, notebooks=notebooks, jobs=jobs, force=force,
    )
    sample = " (bundled sample data)" if plan.is_sample else ""
    console.print(
        f"signaal: {len(plan.themes)} briefing(s) for {plan.region}, {plan.quarter}, vintage {plan.vintage_id}{sample} → {plan.out}"
    )

    def progress(doc):
        mark = "[green]ok[/green]" if doc.status == "ok" else "[red]FAILED[/red]"
        secs = sum(doc.timings.values())
        console.print(f"  {doc.name:<24} {mark}  {secs:5.1f} s")

    result = execute(plan, progress=progress)
    if result.archived:
        console.print(f"signaal: previous run kept at {result.archived}")
    for doc in result.failures:
        click.echo(f"signaal: error: {doc.error} (executed notebook kept at {result.out / doc.outputs[0]})", err=True)
    console.print(f"signaal: wrote {result.out} in {result.manifest['timings']['total_seconds']:.1f} s")
    return 0 if result.ok else 4


@main.command("themes")
def themes_cmd() -> int:
    """List the theme notebooks."""
    from .run import discover_themes

    for theme, path in discover_themes().items():
        click.echo(f"{theme}\t{path}")
    return 0


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


@main.command("signals")
@click.option("--quarter", "-q", default="", help="Quarter, e.g. 2026Q3 (default: latest in the data).")
@click.option("--region", "-r", default=None, help="Focus COROP region, e.g. CR12 (default from regions.yaml).")
@click.option("--format", "out_format", type=click.Choice(["table", "csv", "json"]), default="table",
              help="table (readable), csv or json (as signals.csv / signals.json).")
@click.option("--theme", "-t", default="", help="Only the indicators of this theme (default: all).")
@click.option("--lang", "-l", default="nl", help="Language of the sentences in the table: nl or en.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=None, help="Show only the N strongest signals.")
@click.option("--all", "show_all", is_flag=True, help="Also list the rules that gave no signal, and why.")
@click.option("--vintage", default="", help="Data vintage id (default: newest, else the bundled sample).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project).")
def signals_cmd(quarter, region, out_format, theme, lang, limit, show_all, vintage, data_dir) -> int:
    """Print the quarter's signals (urgencies, opportunities), strongest first."""
    from .periods import parse_quarter
    from .regions import registry
    from .text import check_lang

    # cheap checks first: a typo is reported before the data and the charting stack load
    check_lang(lang)
    focus = registry().focus(region or None).code
    asked = parse_quarter(quarter) if quarter else None

    from .briefing import resolve_quarter
    from .indicators import Data
    from .signals import compute_signals
    from .signals.output import signals_csv, signals_json

    data = Data.open(vintage or None, data_dir)
    q = resolve_quarter(data, asked)
    if theme:
        data.cat.theme(theme)
    found = compute_signals(data, focus, q, theme=theme or None)
    shown = found if limit is None else type(found)(found[:limit], found.skipped, found.meta)
    if out_format == "csv":
        click.echo(signals_csv(shown), nl=False)
        return 0
    if out_format == "json":
        click.echo(signals_json(shown), nl=False)
        return 0
    _print_signals(shown, lang, show_all)
    return 0


def _print_signals(found, lang: str, show_all: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from .formatting import number
    from .periods import Period
    from .text import t

    console = Console(width=None if sys.stdout.isatty() else 160, soft_wrap=False, highlight=False)
    meta = found.meta
    vintage = t("vintage_sample", lang) if meta.get("is_sample") else t("vintage_live", lang, id=meta.get("vintage"))
    console.print(f"{t('sig_board_title', lang)}: {meta.get('region_name')} ({meta.get('region')}), "
                  f"{Period.parse(meta['quarter']).label(lang)}, {vintage}")
    table = Table(pad_edge=False)
    for key in ("sig_col_kind", "sig_col_strength", "col_indicator", "sig_col_rule", "sig_col_signal"):
        table.add_column(t(key, lang))
    colours = {"urgentie": "red", "kans": "green", "neutraal": "bright_black"}
    for s in found:
        table.add_row(f"[{colours[s.kind]}]{t(f'sig_kind_{s.kind}', lang)}[/]", number(s.strength, 2, lang),
                      s.indicator, s.rule, s.sentence(lang))
    console.print(table)
    if show_all and found.skipped:
        skipped = Table(pad_edge=False)
        for key in ("col_indicator", "sig_col_rule", "sig_col_status", "sig_col_reason"):
            skipped.add_column(t(key, lang))
        for s in found.skipped:
            skipped.add_row(s.indicator, s.rule, t(f"sig_status_{s.status}", lang), s.reason(lang))
        console.print(skipped)

if __name__ == "__main__":  # pragma: no cover
    main()
