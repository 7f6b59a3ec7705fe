"""The ``signaal`` command line.

Errors caused by input or environment print one line on stderr (``signaal: error: …``) and
exit non-zero; nothing is written before all parameters are validated.

Each command imports its stage when it runs (the run alone loads nbconvert, pandas and
matplotlib), so that ``signaal --help`` and a mistyped option answer at once; the foundation
modules are light and imported here.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__, config
from .errors import DataError, InputError, SignaalError, suggest
from .files import write_atomic
from .formatting import number
from .periods import Period, parse_quarter
from .regions import registry
from .text import check_lang, t, vintage_label


class _Group(click.Group):
    """A click group whose usage errors are one line too."""

    def main(self, *args, **kwargs):  # noqa: D401
        kwargs.setdefault("standalone_mode", False)
        try:
            rv = super().main(*args, **kwargs)
            # the command is done: Python's exit need not search all it loaded (pandas, the
            # kernels' clients …) for garbage; that took 0,2 s after a run. Files are closed.
            gc.freeze()
            return rv if isinstance(rv, int) else 0
        except SignaalError as exc:
            problems = getattr(exc, "problems", None)  # several problems found at once: a line each
            if problems:
                for line in problems:
                    click.echo(f"signaal: error: {line}", err=True)
                sys.exit(exc.exit_code)
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
@click.option(
    "--themes",
    "-t",
    default="",
    help="Comma-separated themes (default: every notebook in notebooks/, and then also the board pack and factsheets).",
)
@click.option("--region", "-r", default=None, help="Focus COROP region, e.g. CR12 (default from regions.yaml).")
@click.option(
    "--regions",
    default=None,
    help="Several focus regions in one run: all (the 40 COROP regions) or a list such as CR10,CR12,CR17; "
    "one folder per region (<out>/<region> with --out). Not with --region.",
)
@click.option("--lang", "-l", default="nl", help="Language of the briefings: nl or en.")
@click.option(
    "--out", "-o", type=click.Path(path_type=Path), default=None, help="Output folder (default reports/<quarter>)."
)
@click.option("--vintage", default="", help="Data vintage id (default: newest, else the bundled sample).")
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project)."
)
@click.option(
    "--notebooks", type=click.Path(path_type=Path), default=None, help="Notebook folder (default: notebooks/)."
)
@click.option("--jobs", "-j", type=int, default=None, help="Parallel worker processes (default: number of cores).")
@click.option(
    "--factsheets",
    default=None,
    help="Factsheets: gemeenten (the focus region's municipalities), corop (all 40 COROP regions) or none (default: gemeenten for the whole quarter, none with --themes).",
)
@click.option("--force", is_flag=True, help="Rebuild everything, also what is unchanged since the published run.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help=f"Seconds one theme notebook may run (default {config.NOTEBOOK_TIMEOUT:g}, or SIGNAAL_NOTEBOOK_TIMEOUT; "
    f"one cell: {config.CELL_TIMEOUT:g}, or SIGNAAL_CELL_TIMEOUT).",
)
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Publish even a run that lost documents the published folder has (by default it is set aside beside it).",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    help="The previous briefing to compare with ('what changed'; default: the previous quarter's folder beside the output, or its archive).",
)
@click.option(
    "--scheduler",
    default=None,
    help="Run the jobs on the Dask cluster of this scheduler, e.g. tcp://host:8786 (default: SIGNAAL_DASK_SCHEDULER, "
    "else this machine); needs pip install 'signaal[dask]'.",
)
def run_cmd(
    quarter,
    themes,
    region,
    regions,
    lang,
    out,
    vintage,
    data_dir,
    notebooks,
    jobs,
    factsheets,
    force,
    timeout,
    allow_partial,
    previous,
    scheduler,
) -> int:
    """Run the quarter: theme briefings, board pack, factsheets, index (HTML + PDF).

    \b
    Exit codes: 0 published, all documents made; 2 bad input or a problem found before any
    work (nothing written); 4 published, some documents failed or notebooks are not themes;
    5 not published: it lost documents the published folder has, which is kept, and the run
    is set aside beside it (.failed-<folder>-<time>); 6 the output could not be written (disk
    full, read-only): nothing published. With --regions: the worst region's code.
    """
    from .run.forkserver import prestart, stop_forkserver

    address = config.scheduler_address(scheduler)
    if config.local_workers(jobs, scheduler):
        prestart()  # the workers' imports run on another core while this process loads the run and plans it
        click.get_current_context().call_on_close(stop_forkserver)  # however the command ends

    from .run.plan import make_plans
    from .run.regions import parse_regions

    if region and regions:
        raise InputError(
            f"--region {region} and --regions {regions} exclude each other: --region for one region, "
            "--regions for several (all, or a list such as CR10,CR12)"
        )
    codes: list[str | None] = list(parse_regions(regions)) if regions is not None else [region]
    plans = make_plans(
        codes,
        quarter=quarter or None,
        themes=themes or None,
        lang=lang,
        out=out,
        vintage=vintage or None,
        data_dir=data_dir,
        notebooks=notebooks,
        jobs=jobs,
        force=force,
        factsheets=factsheets,
        timeout=timeout,
        allow_partial=allow_partial,
        previous=previous,
        out_per_region=regions is not None,
    )
    console = Console(file=sys.stderr, soft_wrap=True)  # the console's, also while a job's stderr goes to its log
    with contextlib.ExitStack() as stack:
        executor = None
        if address:
            from .run.cluster import connect  # Dask: only with a scheduler

            executor = stack.enter_context(connect(address))
            executor.slots = min(executor.slots, jobs or executor.slots)  # --jobs: at most that many at a time
            for plan in plans:
                plan.jobs = jobs or executor.slots  # factsheets and signals in a batch per worker
        _announce(console, plans, regions is not None, executor)
        if regions is None:
            return _run_one(console, plans[0], executor)
        return _run_regions(console, plans, executor)


def _announce(console: Console, plans: list, several: bool, executor) -> None:
    plan = plans[0]
    sample = " (bundled sample data)" if plan.is_sample else ""
    what = "the whole quarter" if plan.whole_quarter else f"{len(plan.themes)} theme(s)"
    where = f"{plan.jobs} job(s)" if executor is None else f"{executor.slots} Dask worker slot(s) at {executor.address}"
    regions = f"{len(plans)} region{'s' if len(plans) > 1 else ''}" if several else plan.region
    out = plan.out.parent if several else plan.out
    console.print(
        f"signaal: {what} for {regions}, {plan.quarter}, vintage {plan.vintage_id}{sample}, {where} → {out}",
        highlight=False,
    )
    if plan.left_out:
        names = ", ".join(f"{n} ({why})" for n, why in plan.left_out.items())
        console.print(f"signaal: left out of the quarter: {names}; see `signaal themes`", highlight=False)


def _run_one(console: Console, plan, executor) -> int:
    from .run import execute
    from .run.progress import observer_for, summary_table

    observer = observer_for(console)
    if executor is not None:
        executor.observer = observer
    try:
        result = execute(plan, progress=observer, executor=executor)
    finally:
        getattr(observer, "close", lambda: None)()
    for note in result.recovered:
        console.print(f"signaal: stale staging folder: {note}", highlight=False)
    console.print(summary_table(result))
    if result.archived:
        console.print(f"signaal: previous run kept at {result.archived}", highlight=False)
    _report_failures(result)
    summary = result.manifest["summary"]
    more = "".join(
        f", {summary[k]} {what}"
        for k, what in (("skipped", "skipped"), ("carried", "kept from earlier runs"))
        if summary.get(k)
    )
    done = "wrote" if result.published else "set aside (not published)"
    if result.manifest.get("up_to_date"):
        done = "nothing changed: kept"  # the folder and its manifest as they were
    console.print(
        f"signaal: {done} {result.out} in {result.manifest['timings']['total_seconds']:.1f} s "
        f"({summary['built']} built, {summary['reused']} reused, {summary['failed'] + summary['rejected']} failed{more})",
        highlight=False,
    )
    return result.exit_code


def _run_regions(console: Console, plans: list, executor) -> int:
    from .run.progress import regions_observer_for, regions_table
    from .run.regions import execute_regions

    observer = regions_observer_for(console)
    if executor is not None:
        executor.observer = observer
    try:
        done = execute_regions(plans, progress=observer, executor=executor)
    finally:
        getattr(observer, "close", lambda: None)()
    for result in done.results:
        for note in result.recovered:
            console.print(f"signaal: {result.plan.region}: stale staging folder: {note}", highlight=False)
    console.print(
        regions_table(
            done.results,
            f"{plans[0].quarter}, {len(done.results)} region{'s' if len(done.results) > 1 else ''} → {plans[0].out.parent}",
        )
    )
    for result in done.results:
        _report_failures(result, prefix=f"{result.plan.region}: ")
    docs = done.built
    kept = sum(1 for r in done.results if not r.published)
    aside = f", {kept} set aside (not published)" if kept else ""
    console.print(
        f"signaal: wrote {len(done.results) - kept} region folder(s){aside} in {done.seconds:.1f} s "
        f"({docs} documents built, {60 * docs / max(done.seconds, 1e-9):.0f} per minute)",
        highlight=False,
    )
    return done.exit_code


def _report_failures(result, prefix: str = "") -> None:
    """One line per failed document, and why the run was not published when it was not
    (``prefix``: the region, in a run of several)."""
    for doc in result.failures:
        kept = next((o for o in doc.outputs if o.endswith(".ipynb")), None)
        where = f" (executed notebook kept at {result.out / kept})" if kept else ""
        rejected = (
            f"notebook {doc.notebook} rejected: "
            if doc.status == "rejected" and doc.notebook and doc.notebook not in (doc.error or "")
            else ""
        )
        click.echo(f"signaal: error: {prefix}{rejected}{doc.error}{where}", err=True)
    if not result.published:
        lost = ", ".join(result.lost[:6]) + (f" … ({len(result.lost)})" if len(result.lost) > 6 else "")
        click.echo(
            f"signaal: error: {prefix}not published: {lost} failed, which {result.plan.out} has; that folder is kept as it "
            f"was and this run is at {result.out} (fix the cause and run again, or publish it with --allow-partial)",
            err=True,
        )


@main.command("themes")
@click.option(
    "--notebooks", type=click.Path(path_type=Path), default=None, help="Notebook folder (default: notebooks/)."
)
@click.option(
    "--mark",
    "to_mark",
    multiple=True,
    metavar="NAME",
    help="Mark this notebook as a theme (metadata.signaal.theme), so that the quarterly run runs it (repeatable).",
)
def themes_cmd(notebooks, to_mark) -> int:
    """List the notebooks: themes (marked: the quarterly run runs them), unmarked (scratch work:
    left alone) and broken (marked, but they cannot run). Exit code 4 when one is broken."""
    from .run.themes import BROKEN, listing, mark_themes

    for line in mark_themes(notebooks, list(to_mark)):
        click.echo(line)
    rows = listing(notebooks)
    for row in rows:
        click.echo("\t".join(row.cells()))
    for row in rows:
        if row.status == BROKEN:
            click.echo(f"signaal: error: not a theme: {row.note}", err=True)
    return 4 if any(r.status == BROKEN for r in rows) else 0


@main.command("preview")
@click.argument("theme")
@click.option("--region", "-r", default=None, help="Focus COROP region, e.g. CR10 (default: the notebook's own).")
@click.option("--quarter", "-q", default="", help="Quarter, e.g. 2026Q3 (default: the notebook's own).")
@click.option("--lang", "-l", default="", help="Language: nl or en (default: the notebook's own).")
@click.option("--vintage", default="", help="Data vintage id (default: the notebook's own).")
@click.option(
    "--notebooks", type=click.Path(path_type=Path), default=None, help="Notebook folder (default: notebooks/)."
)
@click.option("--port", type=int, default=0, help="Port on 127.0.0.1 (default: a free one).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; only print the address.")
def preview_cmd(theme, region, quarter, lang, vintage, notebooks, port, no_browser) -> int:
    """Preview a theme's briefing (THEME: e.g. wonen, or a notebook path): execute it, serve its
    page on 127.0.0.1 and render it again on every save of the notebook (Ctrl-C stops)."""
    import threading
    import webbrowser

    from .run.preview import cleanup, open_preview

    if lang:
        check_lang(lang)
    if region:
        region = registry().get(region).code
    if quarter:
        parse_quarter(quarter)
    params = {"region": region, "quarter": quarter, "lang": lang, "vintage": vintage}
    click.echo(f"signaal: rendering {theme} …", err=True)
    preview = open_preview(theme, params, notebooks)

    def said(p) -> None:
        what = f"error: {p.error}" if p.error else f"rendered in {p.seconds:.1f} s"
        click.echo(f"signaal: {p.notebook.name} {what}", err=True)

    server = preview.serve(port=port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    said(preview)
    click.echo(f"signaal: preview of {preview.notebook} at {url} (renders again on every save; Ctrl-C stops)")
    if not no_browser:
        webbrowser.open(url)
    stop = threading.Event()
    try:
        preview.watch(stop, on_render=said)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        cleanup(preview)
    return 0


@main.group("data", cls=_Group)
def data() -> None:
    """Data: the bundled sample, live refreshes, vintages and boundaries."""


@data.command("sample")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None)
def data_sample(data_dir) -> int:
    """Regenerate the bundled sample (data/sample) from its spec."""
    from .store.sample import write_sample

    target = (data_dir or config.data_dir()) / "sample"
    write_sample(target)
    click.echo(f"signaal: wrote {target}")
    return 0


@data.command("refresh")
@click.option(
    "--only",
    multiple=True,
    help="Refresh only this indicator, CBS table or curated file (repeatable, or comma-separated); the rest is carried over from the newest vintage.",
)
@click.option("--force", is_flag=True, help="Download again even where CBS 'Modified' has not changed.")
@click.option(
    "--keep-going",
    is_flag=True,
    help="When a source fails, carry its indicators over from the newest vintage and go on.",
)
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project)."
)
def data_refresh(only, force, keep_going, data_dir) -> int:
    """Pull every catalogue indicator from its live source into a new vintage."""
    from .store.refresh import refresh

    def progress(message: str) -> None:
        click.echo(f"  {message}", err=True)

    result = refresh(data_dir=data_dir, only=list(only), force=force, keep_going=keep_going, progress=progress)
    v = result.vintage
    for warning in result.warnings:
        click.echo(f"signaal: warning: {warning}", err=True)
    for name, error in result.failed.items():
        click.echo(f"signaal: warning: {name} failed and was carried over: {error}", err=True)
    carried = f", {len(result.carried_over)} carried over" if result.carried_over else ""
    click.echo(
        f"signaal: wrote vintage {v.id} ({v.manifest['rows']} observations, {len(result.refreshed)} indicators "
        f"refreshed{carried}; {result.requests} requests, {result.seconds:.1f} s) → {v.path}"
    )
    return 3 if result.failed else 0


@data.command("check")
@click.option(
    "--only",
    multiple=True,
    help="Check only this indicator or CBS table (repeatable, or comma-separated).",
)
@click.option(
    "--api",
    type=click.Choice(["v3", "v4"]),
    default=None,
    help="Use this CBS API for every indicator (default: the one indicators.yaml gives each).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project)."
)
def data_check(only, api, fmt, data_dir) -> int:
    """Pre-flight: check every CBS indicator against the live table metadata (no observations)."""
    import json

    from .catalogue import catalogue
    from .sources import Endpoints
    from .sources.cbs import CbsSource
    from .sources.cbs.check import COLUMNS, check, summary, table_rows
    from .sources.http import HttpClient
    from .sources.raw import RawStore

    def progress(message: str) -> None:
        if fmt == "table":
            click.echo(f"  {message}", err=True)

    root = Path(data_dir or config.data_dir())
    http = HttpClient(on_retry=lambda m: progress(f"retry: {m}"))
    try:
        source = CbsSource(endpoints=Endpoints.from_env(), http=http, raw=RawStore(root / "raw"), registry=registry())
        rows = check(catalogue(), source, only=list(only), api=api, progress=progress)
    finally:
        http.close()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    else:
        console = Console(width=max(Console().width, 160))
        out = Table(*COLUMNS, show_lines=False, highlight=False)
        for cells in table_rows(rows):
            out.add_row(*cells)
        console.print(out)
        for row in rows:
            if row["status"] != "ok":
                console.print(f"{row['status']}: {row['indicator']}: {row['reason']}", highlight=False, soft_wrap=True)
        console.print(summary(rows), highlight=False)
    return 1 if any(r["status"] == "fail" for r in rows) else 0


@data.command("status")
@click.option("--vintage", default="", help="Show this vintage's indicators (default: the one `signaal run` uses).")
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project)."
)
def data_status(vintage, data_dir) -> int:
    """List the vintages and, per indicator, how fresh the data is."""
    from .catalogue import catalogue
    from .store.diff import freshness, list_vintages
    from .store.vintage import Store

    store = Store(data_dir or config.data_dir())
    rows = list_vintages(store)
    if not rows and not store.broken():
        click.echo(
            f"no vintages and no bundled sample in {store.root}; run `signaal data refresh` or `signaal data sample`"
        )
        return 0
    click.echo(f"vintages in {store.root} (* = used by `signaal run` by default)")
    click.echo(f"  {'id':<22} {'created':<26} {'rows':>8} {'ind.':>5}  sources")
    for r in rows:
        mark = "*" if r.is_default else " "
        what = (
            "bundled sample: real CBS figures where bundled, synthetic elsewhere"
            if r.is_sample
            else ", ".join(r.sources[:6]) + (f", … ({len(r.sources)})" if len(r.sources) > 6 else "")
        )
        extra = []
        if r.carried_over:
            extra.append(f"{r.carried_over} carried over")
        if r.warnings:
            extra.append(f"{r.warnings} warnings")
        tail = f" [{'; '.join(extra)}]" if extra else ""
        click.echo(f"{mark} {r.id:<22} {r.created[:25]:<26} {r.rows:>8} {r.indicators:>5}  {what}{tail}")
    for vid, problem in store.broken().items():
        click.echo(f"! {vid:<22} broken: {problem}")
    try:
        chosen = store.resolve(vintage or None)
    except DataError as exc:  # a broken vintage: say so, and show the newest good one
        click.echo(f"signaal: warning: {exc}", err=True)
        good = [r.id for r in rows if not r.is_sample] or [r.id for r in rows]
        if not good:
            return 2
        chosen = store.resolve(good[-1])
    table = freshness(chosen, catalogue())
    label = " (bundled sample)" if chosen.is_sample else ""
    click.echo(f"freshness of {chosen.id}{label}:")
    click.echo(
        f"  {'indicator':<28} {'latest':<8} {'status':<21} {'source':<24} {'modified':<11} {'retrieved':<11} figures"
    )
    for f in table.to_dict("records"):
        note = f"; carried over from {f['carried_over_from']}" if f["carried_over_from"] else ""
        click.echo(
            f"  {f['indicator']:<28} {f['latest']:<8} {f['status']:<21} {f['source']:<24} {f['modified']:<11} "
            f"{f['retrieved']:<11} {f['figures']}{note}".rstrip()
        )
    missing = (chosen.manifest.get("refresh") or {}).get("missing_indicators") or []
    if missing:
        click.echo(f"  not in this vintage: {', '.join(missing)}")
    return 0


@data.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--limit", type=int, default=10, show_default=True, help="Examples shown per kind of change.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write every revised value to this CSV file.",
)
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project)."
)
def data_diff(old, new, limit, csv_path, data_dir) -> int:
    """Revised values, new periods, vanished regions and unit changes between two vintages."""
    from .store.diff import diff
    from .store.vintage import Store

    store = Store(data_dir or config.data_dir())
    if csv_path is not None and Path(csv_path).exists():
        raise InputError(f"--csv {str(csv_path)!r} already exists; give a new file name (nothing is overwritten)")
    result = diff(store.resolve(old), store.resolve(new))
    for line in result.lines(limit=limit):
        click.echo(line)
    if csv_path is not None:
        target = Path(csv_path)
        try:
            write_atomic(target, result.revised.to_csv(index=False))
        except OSError as exc:
            raise InputError(
                f"--csv {str(csv_path)!r} cannot be written ({exc.strerror or exc}); nothing was written"
            ) from None
        click.echo(f"signaal: wrote {len(result.revised)} revised values to {target}")
    return 0


@data.command("boundaries")
@click.option("--year", type=int, default=None, help="Boundary year (jaarcode), e.g. 2024.")
@click.option("--level", default="all", show_default=True, help="gemeente, corop, provincie or all.")
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Import from a GeoJSON/GeoPackage file instead of PDOK (municipalities are dissolved into COROP and provinces).",
)
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project)."
)
def data_boundaries(year, level, from_file, data_dir) -> int:
    """Fill the local boundary cache for the maps (data/geo), from PDOK or from a file."""
    from .sources import Endpoints
    from .sources.http import HttpClient
    from .sources.pdok import COLLECTIONS, fetch_boundaries, import_boundaries, level_name
    from .sources.raw import RawStore

    root = Path(data_dir or config.data_dir())
    if from_file is not None:
        lvl = None if level == "all" else level_name(level)
        written = import_boundaries(from_file, year=year, level=lvl, registry=registry(), data_dir=root)
        for name, path in written.items():
            click.echo(f"signaal: cached {name} boundaries → {path}")
        return 0
    if year is None:
        raise InputError("--year is required to fetch boundaries from PDOK (e.g. --year 2024), or give --from-file")
    levels = list(COLLECTIONS) if level == "all" else [level_name(level)]
    with HttpClient() as http:
        for lvl in levels:
            frame = fetch_boundaries(
                lvl, year, endpoints=Endpoints.from_env(), http=http, raw=RawStore(root / "raw"), data_dir=root
            )
            click.echo(f"signaal: cached {len(frame)} {lvl} boundaries for {year} → {root / 'geo'}")
    return 0


@main.command("signals")
@click.option("--quarter", "-q", default="", help="Quarter, e.g. 2026Q3 (default: latest in the data).")
@click.option("--region", "-r", default=None, help="Focus COROP region, e.g. CR12 (default from regions.yaml).")
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    help="table (readable), csv or json (as signals.csv / signals.json).",
)
@click.option("--theme", "-t", default="", help="Only the indicators of this theme (default: all).")
@click.option("--lang", "-l", default="nl", help="Language of the sentences in the table: nl or en.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=None, help="Show only the N strongest signals.")
@click.option("--all", "show_all", is_flag=True, help="Also list the rules that gave no signal, and why.")
@click.option("--vintage", default="", help="Data vintage id (default: newest, else the bundled sample).")
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (default: data/ of the project)."
)
def signals_cmd(quarter, region, out_format, theme, lang, limit, show_all, vintage, data_dir) -> int:
    """Print the quarter's signals (urgencies, opportunities), strongest first."""
    # cheap checks first: a typo is reported before the data and the charting stack load
    check_lang(lang)
    focus = registry().focus(region or None).code
    asked = parse_quarter(quarter) if quarter else None
    if theme:
        _check_briefing_theme(theme)

    from .indicators.data import Data
    from .signals import compute_signals
    from .signals.output import signals_csv, signals_json

    data = Data.open(vintage or None, data_dir)
    q = data.vintage.resolve_quarter(asked)
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


def _check_briefing_theme(theme: str) -> None:
    """A theme of ``--theme``: one of the catalogue's themes that has a notebook (what
    ``signaal themes`` lists and ``signaal run --themes`` takes)."""
    from .catalogue import catalogue
    from .run.themes import discover_themes

    known = catalogue().themes
    themes = [t for t in discover_themes() if t in known]
    if theme not in themes:
        raise InputError(f"unknown theme {theme!r}; {suggest(theme, themes)}")


def _print_signals(found, lang: str, show_all: bool) -> None:
    console = Console(width=None if sys.stdout.isatty() else 160, soft_wrap=False, highlight=False)
    meta = found.meta
    vintage = vintage_label(bool(meta.get("is_sample")), meta.get("vintage"), lang)
    console.print(
        f"{t('sig_board_title', lang)}: {meta.get('region_name')} ({meta.get('region')}), "
        f"{Period.parse(meta['quarter']).label(lang)}, {vintage}"
    )
    table = Table(pad_edge=False)
    for key in ("sig_col_kind", "sig_col_strength", "col_indicator", "sig_col_rule", "sig_col_signal"):
        table.add_column(t(key, lang))
    colours = {"urgentie": "red", "kans": "green", "neutraal": "bright_black"}
    for s in found:
        table.add_row(
            f"[{colours[s.kind]}]{t(f'sig_kind_{s.kind}', lang)}[/]",
            number(s.strength, 2, lang),
            s.indicator,
            s.rule,
            s.sentence(lang),
        )
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
