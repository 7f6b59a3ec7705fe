"""The notebook-facing API: one call per block of a theme briefing.

A theme notebook stays thin::

    # parameters
    region = "CR12"; quarter = ""; vintage = ""; lang = "nl"

    from signaal.briefing import Briefing
    b = Briefing("arbeidsmarkt", region=region, quarter=quarter, vintage=vintage, lang=lang,
                 topics=["netto_arbeidsparticipatie", "werkloosheid"])
    b.cover()
    b.summary()
    b.topic("netto_arbeidsparticipatie")
    b.topic("werkloosheid")
    b.sources()

Each method displays HTML in the notebook (and in the exported briefing) and returns the
page object, so tests and the board pack can use the same pieces without Jupyter. Nothing
here knows about a particular region: names, peers and targets come from the registry, the
region settings and the targets table.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import pandas as pd

from .. import __version__
from .. import charts
from .. import formatting as fmt
from ..catalogue import Indicator, catalogue
from ..charts.compare import draw_bars, draw_pairs, draw_rank_strip
from ..charts.maps import draw_choropleth, draw_tiles
from ..store.geo import boundaries_or_none
from ..charts.special import draw_target_progress, draw_travel_times
from ..charts.time import draw_band, draw_columns, draw_line
from ..charts.topic import Panel, topic_chart
from ..indicators.data import Data
from .narrative import GAP_YEARS, Context, bullets
from .pages import Cover, MetaOutput, Output, SourceRow, Sources, Summary, SummaryRow, TopicPage, long_date
from ..periods import Period
from ..regions import registry
from ..text import check_lang, sample_watermark, t, vintage_label


# the smallest height of a trend chart's value axis, per unit (small moves stay small)
MIN_SPAN = {"mark": 1.5, "percent": 2.0, "km": 1.0}


def _enumerate(items: list[str], lang: str) -> str:
    """"A, B en C" / "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('and', lang)} " + items[-1]


def _domain(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).netloc.removeprefix("www.") or url


def _display(obj) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    if get_ipython() is not None:
        display(obj)


def resolve_quarter(data: Data, quarter: str | Period | None) -> Period:
    """The briefing quarter: as given (checked against the data), or the latest in the data."""
    return data.vintage.resolve_quarter(quarter)


class Briefing:
    """A theme briefing for one focus region, quarter, vintage and language."""

    def __init__(
        self,
        theme: str,
        region: str | None = None,
        quarter: str | None = None,
        vintage: str | None = None,
        lang: str = "nl",
        topics: list[str] | None = None,
        data: Data | None = None,
        data_dir: str | Path | None = None,
        today: dt.date | None = None,
    ):
        self.lang = check_lang(lang)
        self.reg = registry()
        self.cat = catalogue()
        self.focus = self.reg.focus(region or None).code
        self.theme_id = theme
        self.theme = self.cat.themes.get(theme)
        self.data = data or Data.open(vintage or None, data_dir)
        self.data_dir = Path(data_dir) if data_dir else None
        self.quarter = resolve_quarter(self.data, quarter)
        self.today = today or dt.date.today()
        self.national = self.reg.national
        self.province = self.reg.province_of(self.focus)
        if topics:
            self.topics = list(topics)
        else:
            self.topics = [i.id for i in self.cat.for_theme(theme)] if self.theme else []
        for ind_id in self.topics:
            self.cat.get(ind_id)  # unknown indicators fail here, with suggestions
        self.shown: list[str] = []
        self._signals = None

    # ---- facts about the briefing ----------------------------------------------------
    @property
    def is_sample(self) -> bool:
        return self.data.vintage.is_sample

    @property
    def title(self) -> str:
        return self.theme.title.get(self.lang) if self.theme else self.theme_id

    def name(self, code: str) -> str:
        return self.reg.display_name(code, self.lang)

    def meta(self) -> dict:
        v = self.data.vintage
        return {
            "theme": self.theme_id,
            "title": self.title,
            "region": self.focus,
            "region_name": self.name(self.focus),
            "board": self.reg.board(self.focus, self.lang),
            "quarter": str(self.quarter),
            "quarter_label": self.quarter.label(self.lang),
            "vintage": v.id,
            "vintage_checksum": v.checksum,
            "is_sample": self.is_sample,
            "watermark": sample_watermark(self.is_sample, self.lang),
            "lang": self.lang,
            "date": self.today.isoformat(),
            "signaal_version": __version__,
        }

    def vintage_label(self) -> str:
        return vintage_label(self.data.vintage.is_sample, self.data.vintage.id, self.lang)

    def updated(self, ind: Indicator) -> str:
        """'Laatste actualisatie': the modification date of the source table the indicator was
        read from (the table its family resolved to in this vintage), else the vintage's date."""
        from ..store.diff import source_info

        manifest = self.data.vintage.manifest
        info = source_info(manifest, ind.id, ind.source.table or ind.source.file)
        if not info and ind.transform is not None:  # a derived indicator: its first input's source
            dep = self.cat[self.cat.dependencies(ind.id)[0]]
            info = source_info(manifest, dep.id, dep.source.table or dep.source.file)
        if info.get("modified"):
            return long_date(info["modified"], self.lang)
        created = self.data.vintage.created or self.today.isoformat()
        return long_date(created, self.lang)

    def table_id(self, ind: Indicator) -> str | None:
        """The table the numbers came from in this vintage (see :func:`signaal.vintages.table_id`)."""
        from ..store.diff import table_id

        return table_id(self.data.vintage.manifest, ind)

    def source_line(self, ind: Indicator) -> str:
        table = self.table_id(ind)
        if table:
            return t("source_line", self.lang, publisher=ind.source.publisher, table=table)
        return t("source_line_manual", self.lang, publisher=ind.source.publisher)

    def question(self, ind: Indicator) -> str:
        return ind.question_for(
            self.lang,
            regio=self.name(self.focus),
            inwoners=self.reg.demonym(self.focus, self.lang),
            provincie=self.name(self.province) if self.province else self.name(self.national),
        )

    # ---- blocks ------------------------------------------------------------------------
    def cover(self, show: bool = True) -> Cover:
        cover = Cover(
            theme_title=self.title,
            region_name=self.name(self.focus),
            quarter_label=self.quarter.label(self.lang),
            vintage_label=self.vintage_label(),
            date_label=long_date(self.today, self.lang),
            lang=self.lang,
            is_sample=self.is_sample,
            intro=self.theme.intro.get(self.lang) if self.theme else "",
            kicker=t("cover_kicker", self.lang, board=self.reg.board(self.focus, self.lang)),
        )
        if show:
            _display(MetaOutput(self.meta()))
            _display(Output(cover.html(), f"{self.title} — {self.name(self.focus)} — {self.quarter}"))
        return cover

    def found_signals(self):
        """The signals of this briefing's topics (computed once; see :mod:`signaal.signals`)."""
        if self._signals is None:
            from ..signals import compute_signals

            self._signals = compute_signals(self.data, self.focus, self.quarter, indicators=list(self.topics))
        return self._signals

    def _signal_lines(self, indicator: str, limit: int = 2) -> list[str]:
        """The indicator's strongest signal sentences (verdicts first, then neutral findings)."""
        found = sorted(self.found_signals().for_indicator(indicator),
                       key=lambda s: (s.kind == "neutraal", -s.strength))
        lines: list[str] = []
        for sig in found:
            sentence = sig.sentence(self.lang)
            if sentence not in lines:
                lines.append(sentence)
            if len(lines) == limit:
                break
        return lines

    def summary(self, show: bool = True) -> Summary:
        rows = []
        for ind_id in self.topics:
            ind = self.cat[ind_id]
            verdicts = [s for s in self.found_signals().for_indicator(ind_id) if s.kind != "neutraal"]
            if verdicts:
                text = max(verdicts, key=lambda s: s.strength).sentence(self.lang)
            else:
                lines = bullets(self._context(ind))
                text = lines[0] if lines else ""
            rows.append(SummaryRow(topic=self.question(ind), summary=text, anchor=ind_id))
        block = Summary(rows=rows, lang=self.lang)
        if show:
            _display(Output(block.html(), t("in_het_kort", self.lang)))
        return block

    def _context(self, ind: Indicator) -> Context:
        shown = self.data.display_region(ind.id, self.focus)
        return Context(self.data, ind, shown, self.national, self.quarter, self.lang, focus=self.focus)

    # ---- the topic page ------------------------------------------------------------------
    def page(self, indicator: str, chart: str | None = None) -> TopicPage:
        """Build the topic page for an indicator (without displaying it)."""
        ind = self.cat[indicator]
        ctx = self._context(ind)
        shown = ctx.region
        kind = chart or ind.chart
        chart_obj, subtitle, note = self._topic_chart(ind, shown, kind)
        badges = [("proxy", t("proxy_label", self.lang) + ": " + self.name(shown))] if shown != self.focus else []
        verdicts = sorted((s for s in self.found_signals().for_indicator(ind.id) if s.kind != "neutraal"),
                          key=lambda s: -s.strength)
        if verdicts:
            top = verdicts[0]
            badges.insert(0, (top.kind, f"{t(f'sig_kind_{top.kind}', self.lang)} · {t(f'sig_rule_{top.rule}', self.lang, region=self.name(self.focus))}"))
        if ind.proxy_note and shown != self.focus:
            note = (ind.proxy_note.get(self.lang) + " " + note).strip()
        for caveat in ind.caveats:
            note = (note + " " + caveat.get(self.lang)).strip()
        return TopicPage(
            indicator=ind.id,
            question=self.question(ind),
            subtitle=subtitle,
            chart=chart_obj,
            source_line=self.source_line(ind),
            updated_line=t("updated_line", self.lang, date=self.updated(ind)),
            bullets=bullets(ctx, signal_lines=self._signal_lines(ind.id)),
            lang=self.lang,
            note=note,
            badges=badges,
        )

    def _names(self, codes) -> dict[str, str]:
        names = {"_peers": t("peers", self.lang), "_break": t("method_break", self.lang),
                 "_national": self.name(self.national)}
        for c in codes:
            if c in self.reg:
                names[c] = self.name(c)
        return names

    def _topic_chart(self, ind: Indicator, shown: str, kind: str) -> tuple[charts.Chart | None, str, str]:
        freq = ind.display_freq
        level = self.reg[shown].level
        province = self.province if shown == self.focus else None
        if shown == self.focus:
            peers = self.reg.peers(self.focus)
        else:
            peers = [c for c in self.reg.codes(level) if c != shown]
        table = self.data.table(ind.id, freq=freq, up_to=self.quarter)
        unit_text = ind.unit_label.get(self.lang) if ind.unit_label and kind != "index" else ""
        subtitle_bits = [ind.title.get(self.lang)] + ([unit_text] if unit_text else [])
        if table.empty or shown not in table or not table[shown].notna().any():
            return None, " · ".join(subtitle_bits), ""
        focus_series = table[shown].dropna()
        first, last = focus_series.index[0], focus_series.index[-1]
        first_l, last_l = Period.parse(first).short_label(), Period.parse(last).short_label()
        span_l = first_l if first == last else f"{first_l}–{last_l}"
        codes = [shown, self.national] + ([province] if province else []) + peers
        main_table = table.reindex(columns=[c for c in codes if c in table.columns])
        main_table = main_table.loc[first:]
        names = self._names(list(table.columns))
        if shown != self.focus:
            names["_peers"] = t("other_provinces", self.lang)
        if kind == "index":
            base = main_table.loc[first]
            plot, unit, decimals = main_table / base * 100, "index", 0
            main_title = t("panel_development_index", self.lang, first=first_l, last=last_l)
        else:
            plot, unit, decimals = main_table, ind.unit, ind.decimals
            main_title = t("panel_development", self.lang, first=first_l, last=last_l)
        if kind == "bar" and ind.flow:
            recent = focus_series.iloc[-6 * Period.parse(last).per_year:]
            r_first = Period.parse(recent.index[0]).short_label()
            main_title = t("panel_flow_columns", self.lang, regio=self.name(shown), first=r_first, last=last_l)

            def draw_main(ax, r=recent):
                draw_columns(ax, r, ind.unit, ind.decimals, self.lang, average_label=t("moving_average", self.lang))
        elif kind == "band" and ind.signals.bands:
            band_labels = {k: t(f"band_{k}", self.lang) for k in list(ind.signals.bands) + ["zeer_krap"]}

            def draw_main(ax):
                draw_band(ax, plot, shown, names, ind.signals.bands, band_labels, ind.decimals, self.lang, national=self.national)
        else:

            def draw_main(ax):
                draw_line(ax, plot, shown, names, unit, decimals, self.lang, national=self.national, province=province,
                          peers=peers, breaks=[b.period for b in ind.breaks],
                          min_span=MIN_SPAN.get(unit))

        panels = self._flow_panels(ind, shown) if ind.flow else self._comparison_panels(ind, table, shown, last, kind)
        alt = t(
            "chart_alt_line", self.lang, title=ind.title.get(self.lang), first=first_l, last=last_l,
            regio=self.name(shown), value=fmt.value(focus_series.iloc[-1], ind.unit, ind.decimals, self.lang),
            benchmark_name=self.name(self.national),
            benchmark=fmt.value(table[self.national].get(last), ind.unit, ind.decimals, self.lang)
            if self.national in table else "–",
        )
        chart_obj = topic_chart(Panel(main_title, draw_main), panels, alt)
        subtitle_bits.append(span_l)
        if shown == self.focus:
            peer_names = ", ".join(self.name(p) for p in peers if p in table and table[p].notna().any())
            note = t("grey_peers", self.lang, names=peer_names) if peer_names and kind not in ("band", "bar") else ""
        else:
            note = t("grey_provinces", self.lang) if kind != "band" else ""
        return chart_obj, " · ".join(subtitle_bits), note

    def _comparison_panels(self, ind: Indicator, table: pd.DataFrame, shown: str, last: str, kind: str) -> list[Panel]:
        """Municipalities side by side (bars or a map) and the rank among COROP regions —
        or, when the page shows a province as a proxy, the provinces side by side."""
        panels: list[Panel] = []
        names = self._names(list(table.columns))
        last_p = Period.parse(last)
        old = str(last_p.shift(-GAP_YEARS * last_p.per_year))
        growth = ind.additive  # counts compare by their growth, not their size
        if growth and old not in table.index:
            return panels
        values_row = ((table.loc[last] / table.loc[old] - 1) * 100) if growth else table.loc[last]
        unit, decimals = ("percent", 1) if growth else (ind.unit, ind.decimals)
        polarity = ind.polarity
        label_old = Period.parse(old).short_label()
        label_last = last_p.short_label()
        nat_value = values_row.get(self.national)
        members = [m for m in self.reg.children(self.focus) if m in values_row.index and pd.notna(values_row.get(m))]
        if len(members) >= 2:
            member_values = values_row[members]
            role = "focus" if shown == self.focus else "province"
            reference = [(self.name(shown), values_row.get(shown), role), (self.name(self.national), nat_value, "national")]
            if kind == "map":
                gdf = boundaries_or_none("gemeente", self.data_dir)
                title = t("panel_map", self.lang, period=label_last)
                if gdf is not None and set(members) <= set(gdf["code"]):
                    def draw_map(ax, v=member_values):
                        draw_choropleth(ax, gdf, v, names, unit, decimals, self.lang)
                else:
                    points = {m: (self.reg[m].x_rd, self.reg[m].y_rd) for m in members if self.reg[m].x_rd is not None}

                    def draw_map(ax, v=member_values, pts=points):
                        draw_tiles(ax, v, pts, names, unit, decimals, self.lang)
                panels.append(Panel(title, draw_map, weight=1.6))
            else:
                title = (t("panel_municipalities_growth", self.lang, old=label_old, period=label_last) if growth
                         else t("panel_municipalities", self.lang, regio=self.name(self.focus), period=label_last))

                def draw_members(ax, v=member_values, ref=reference):
                    draw_bars(ax, v, names, unit, decimals, self.lang, reference=ref)
                panels.append(Panel(title, draw_members, weight=1.1))
        level = self.reg[shown].level
        if level == "corop":
            corop = [c for c in self.reg.codes("corop") if c in values_row.index and pd.notna(values_row.get(c))]
            if len(corop) >= 10:
                title = (t("panel_rank_growth", self.lang, old=label_old, period=label_last, n=len(corop)) if growth
                         else t("panel_rank", self.lang, n=len(corop), period=label_last))

                def draw_rank(ax, v=values_row[corop]):
                    draw_rank_strip(ax, v, shown, names, unit, decimals, polarity, self.lang, national=nat_value)
                panels.append(Panel(title, draw_rank, weight=1.0))
        elif level == "provincie":
            provinces = [c for c in self.reg.codes("provincie") if c in values_row.index and pd.notna(values_row.get(c))]
            if len(provinces) >= 3:
                title = t("panel_provinces", self.lang, period=label_last)
                if growth:
                    title = t("panel_provinces_growth", self.lang, old=label_old, period=label_last)

                def draw_prov(ax, v=values_row[provinces]):
                    draw_bars(ax, v, names, unit, decimals, self.lang,
                              reference=[(self.name(self.national), nat_value, "national")], highlight=shown)
                panels.append(Panel(title, draw_prov, weight=1.0))
        return panels

    def _flow_panels(self, ind: Indicator, shown: str) -> list[Panel]:
        """Flows compare per 1,000 inhabitants over the last year: municipalities and COROP rank."""
        found = self.data.flow_per_1000(ind.id, up_to=self.quarter)
        if found is None:
            return []
        values, first, last = found
        names = self._names(list(values.index))
        span = f"{Period.parse(first).short_label()}–{Period.parse(last).short_label()}"
        nat_value = values.get(self.national)
        panels = []
        members = [m for m in self.reg.children(self.focus) if m in values.index]
        if len(members) >= 2:
            reference = [(self.name(shown), values.get(shown), "focus"), (self.name(self.national), nat_value, "national")]

            def draw_members(ax, v=values[members], ref=reference):
                draw_bars(ax, v, names, "count", 1, self.lang, reference=ref)
            panels.append(Panel(t("panel_flow_members", self.lang, first=Period.parse(first).short_label(),
                                  last=Period.parse(last).short_label()), draw_members, weight=1.1))
        corop = [c for c in self.reg.codes("corop") if c in values.index]
        if self.reg[shown].level == "corop" and len(corop) >= 10:
            def draw_rank(ax, v=values[corop]):
                draw_rank_strip(ax, v, shown, names, "count", 1, ind.polarity, self.lang, national=nat_value)
            panels.append(Panel(t("panel_flow_rank", self.lang, n=len(corop)) + f", {span}", draw_rank))
        return panels

    def topic(self, indicator: str, chart: str | None = None, show: bool = True) -> TopicPage:
        page = self.page(indicator, chart)
        self._mark_shown(indicator)
        if show:
            _display(Output(page.html(), page.question))
        return page

    def _mark_shown(self, *indicators: str) -> None:
        for ind in indicators:
            if ind not in self.topics:
                self.topics.append(ind)
            if ind not in self.shown:
                self.shown.append(ind)

    # ---- special pages -------------------------------------------------------------------
    def target(self, indicator: str, show: bool = True) -> TopicPage | None:
        """Progress toward a dated cumulative board target (e.g. the Woondeal), with the pace
        needed. Shows nothing when the focus region has no such target or the briefing's
        quarter does not reach past the target's start."""
        from ..indicators.targets import progress, targets_for

        ind = self.cat[indicator]
        found = [tg for tg in targets_for(self.focus, indicator, self._targets_path()) if tg.kind == "cumulative"]
        if not found:
            return None
        tg = found[0]
        prog = progress(self.data.series(indicator, self.focus), tg, up_to=self.quarter)
        if prog is None:
            return None
        lang = self.lang
        unit = ind.unit_label.get(lang) if ind.unit_label else ""
        start_p, by = Period.parse(tg.start), Period.parse(tg.by)
        years_total = (by.ordinal - start_p.ordinal) / by.per_year
        n = lambda x: fmt.number(x, 0, lang)  # noqa: E731
        question = t("target_question", lang, regio=self.name(self.focus), target=n(tg.value), unit=unit,
                     years=fmt.number(years_total, 0, lang))
        pace_key = "target_line_pace" if prog.basis == "last_year" else "target_line_pace_so_far"
        lines = [
            t("target_line_progress", lang, start=start_p.phrase(lang), done=n(prog.done), unit=unit,
              share=fmt.percent(prog.share, 0, lang), target=n(tg.value)),
            t(pace_key, lang, pace=n(prog.pace_per_year), unit=unit, by=by.phrase(lang), start=start_p.phrase(lang),
              needed=n(prog.needed_per_year)),
            t("target_line_verdict_on", lang, projection=n(prog.projection), unit=unit, by=by.phrase(lang))
            if prog.on_track else
            t("target_line_verdict_off", lang, projection=n(prog.projection), unit=unit, by=by.phrase(lang),
              short=n(tg.value - prog.projection)),
        ]
        if tg.note(lang):
            lines.append(tg.note(lang))
        labels = {"path": t("target_path", lang), "actual": t("target_actual", lang),
                  "projection": t("target_projection", lang) if prog.basis == "last_year" else t("target_projection_so_far", lang),
                  "target": t("target_word", lang)}

        def draw(ax):
            draw_target_progress(ax, prog.cumulative, tg.value, tg.start, tg.by, labels, "count", 0, lang,
                                 projection=prog.projection)

        title = t("target_subtitle", lang, title=ind.title.get(lang), start=start_p.phrase(lang), by=by.phrase(lang))
        chart = topic_chart(Panel(title, draw), [], f"{question} {lines[0]} {lines[2]}", main_height=3.4)
        page = TopicPage(
            indicator=f"{indicator}-doel", question=question,
            subtitle=tg.label(lang), chart=chart, source_line=self.source_line(ind),
            updated_line=t("updated_line", lang, date=self.updated(ind)), bullets=lines, lang=lang,
            note=t("target_source", lang, site=_domain(tg.source_url)),
        )
        self._mark_shown(indicator)
        if show:
            _display(Output(page.html(), page.question))
        return page

    def _targets_path(self) -> Path | None:
        import os

        if self.data_dir:
            return self.data_dir / "manual" / "doelen.csv"
        env = os.environ.get("SIGNAAL_DATA_DIR")
        return Path(env) / "manual" / "doelen.csv" if env else None

    def travel_times(self, indicators: list[str] | None = None, distances: list[str] | None = None,
                     show: bool = True) -> TopicPage | None:
        """Rail travel times from the focus region's stations (a curated table), next to the CBS
        distance-to-facility figures for the region and the Netherlands. Shows nothing when no
        travel times are kept for the focus region (its distances have topic pages of their own)."""
        lang = self.lang
        indicators = indicators or [i.id for i in self.cat.for_theme("bereikbaarheid") if i.id.startswith("reistijd_")]
        distances = distances if distances is not None else [
            "afstand_treinstation", "afstand_overstapstation", "afstand_oprit", "afstand_ziekenhuis"]
        members = self.reg.children(self.focus)
        latest_rows, earliest_rows, years = {}, {}, set()
        for ind_id in indicators:
            tbl = self.data.table(ind_id, up_to=self.quarter)
            cols = [m for m in members if m in tbl.columns and tbl[m].notna().any()]
            if not cols:
                continue
            tbl = tbl[cols].dropna(how="all")
            latest_rows[ind_id] = tbl.iloc[-1]
            earliest_rows[ind_id] = tbl.iloc[0]
            years.update([tbl.index[-1], tbl.index[0]])
        if not latest_rows:
            return None
        latest = pd.DataFrame(latest_rows).T
        earliest = pd.DataFrame(earliest_rows).T
        latest_year, earliest_year = max(years), min(years)
        dest_names = {i: self.cat[i].short_title(lang) for i in latest.index}
        question = t("travel_question", lang, regio=self.name(self.focus),
                     destinations=_enumerate([dest_names[i] for i in latest.index], lang))
        names = {**dest_names, **{m: self.name(m) for m in latest.columns}}
        # the origin the sentences speak of: the largest of the region's stations in the table
        origin = max(latest.columns, key=lambda m: self.reg[m].inhabitants or 0)
        order = latest[origin].sort_values().index.tolist()
        latest, earliest = latest.loc[order], earliest.loc[order]
        lines = []
        for dest in order[:3]:
            now, then = latest.loc[dest, origin], earliest.loc[dest, origin]
            diff = int(round(then - now))
            minutes = fmt.counted(abs(diff), t("minutes_forms", lang), lang)
            kw = dict(origin=self.name(origin), dest=dest_names[dest], minutes=fmt.number(now, 0, lang),
                      earliest=earliest_year)
            if diff == 0:
                lines.append(t("travel_line_same", lang, **kw))
            else:
                change = t("travel_faster" if diff > 0 else "travel_slower", lang, n=minutes)
                lines.append(t("travel_line", lang, change=change, **kw))
        ambition = self.reg.board_text(self.focus, "travel_ambition", lang)
        if ambition:
            lines.append(ambition)
        subtitle = t("travel_subtitle", lang, latest=latest_year, earliest=earliest_year)

        def draw_times(ax):
            draw_travel_times(ax, latest, earliest, names, lang, earliest_label=str(earliest_year))

        panels, shown_distances = [], []
        dist_rows = {}
        for d in distances:
            tbl = self.data.table(d, [self.focus, self.national], up_to=self.quarter).dropna()
            if not tbl.empty:
                dist_rows[self.cat[d].short_title(lang)] = tbl.iloc[-1]
                shown_distances.append(d)
        if dist_rows:
            dist = pd.DataFrame(dist_rows).T
            period = self.data.table(shown_distances[0], [self.focus], up_to=self.quarter).dropna().index[-1]

            def draw_dist(ax, dd=dist):
                draw_pairs(ax, dd, self.focus, self.national, {self.focus: self.name(self.focus),
                                                                self.national: self.name(self.national)}, "km", 1, lang)
            panels.append(Panel(t("distances_title", lang, period=period), draw_dist))
        chart = topic_chart(Panel(t("travel_panel", lang), draw_times), panels, f"{question} " + " ".join(lines[:3]),
                            main_height=0.55 * len(latest) + 1.4, panel_height=2.2)
        self._mark_shown(*latest.index, *shown_distances)
        ind0 = self.cat[latest.index[0]]
        source = self.source_line(ind0)
        if shown_distances:
            source += "; " + self.source_line(self.cat[shown_distances[0]])
        page = TopicPage(indicator="reistijden", question=question, subtitle=subtitle, chart=chart, source_line=source,
                         updated_line=t("updated_line", lang, date=self.updated(ind0)), bullets=lines, lang=lang)
        if show:
            _display(Output(page.html(), page.question))
        return page

    def institutions(self, indicators: list[str] | None = None, show: bool = True) -> TopicPage:
        """Students per institution (DUO) in the focus region: one line per institution."""
        import numpy as np

        lang = self.lang
        indicators = indicators or [i.id for i in self.cat.for_theme("talent") if i.source.kind == "duo"]
        series = {}
        for ind_id in indicators:
            s = self.data.series(ind_id, self.focus, up_to=self.quarter)
            if not s.empty:
                series[ind_id] = s
        question = t("institutions_question", lang, regio=self.name(self.focus))
        ind0 = self.cat[indicators[0]]
        chart, lines, subtitle = None, [], ""
        if series:
            table = pd.DataFrame(series).sort_index(key=lambda idx: [Period.parse(p) for p in idx])
            first, last = table.index[0], table.index[-1]
            subtitle = t("institutions_subtitle", lang, first=first, last=last)
            labels = {i: self.cat[i].short_title(lang) for i in table}
            old = str(Period.parse(last).shift(-GAP_YEARS))
            for ind_id in table:
                s = table[ind_id].dropna()
                change = fmt.relative_change(s.iloc[-1], s.get(old, np.nan), 1, lang) if old in s.index else "–"
                lines.append(t("institutions_line", lang, name=labels[ind_id], value=fmt.number(s.iloc[-1], 0, lang),
                               period=s.index[-1], change=change, old=old))
            lines.append(t("institutions_censored", lang))
            names = {i: labels[i] for i in table}
            colours = [charts.PALETTE["focus"], charts.PALETTE["province"], charts.PALETTE["good"], charts.PALETTE["purple"]]

            def draw(ax):
                from ..charts.time import label_ends, x_positions, year_ticks

                x, periods = x_positions(table.index)
                ends = []
                for k, ind_id in enumerate(table):
                    ax.plot(x, table[ind_id].to_numpy(), color=colours[k % len(colours)], linewidth=2.0)
                    last_v = table[ind_id].dropna()
                    ends.append((x[-1], float(last_v.iloc[-1]), names[ind_id], colours[k % len(colours)], False))
                year_ticks(ax, periods)
                ax.set_xlim(x.min() - 0.2, x.max() + (x.max() - x.min()) * 0.3)
                ax.set_ylim(0, float(np.nanmax(table.to_numpy())) * 1.15)
                ax.yaxis.set_major_formatter(fmt.axis_formatter("count", 0, lang))
                label_ends(ax, ends, "count", 0, lang)

            chart = topic_chart(Panel(subtitle, draw), [], f"{question} " + " ".join(lines[:3]), main_height=3.2)
            self._mark_shown(*series)
        else:
            lines = [t("no_institution_data", lang, regio=self.name(self.focus))]
        page = TopicPage(indicator="instellingen", question=question, subtitle=subtitle, chart=chart,
                         source_line=self.source_line(ind0), updated_line=t("updated_line", lang, date=self.updated(ind0)),
                         bullets=lines, lang=lang)
        if show:
            _display(Output(page.html(), page.question))
        return page

    def sources(self, show: bool = True) -> Sources:
        used: list[str] = []
        for ind_id in self.shown or self.topics:
            for dep in [ind_id, *self.cat.dependencies(ind_id)]:
                if dep not in used:
                    used.append(dep)
        rows = []
        for ind_id in used:
            ind = self.cat[ind_id]
            src = ind.source
            source_text = src.publisher + (f" — {src.family}" if src.family else "")
            if src.kind == "derived" and ind.transform:
                parts = [p for p in (ind.transform.numerator, ind.transform.denominator, ind.transform.of) if p]
                source_text = t("computed_from", self.lang, names=", ".join(self.cat[p].title.get(self.lang) for p in parts))
            rows.append(
                SourceRow(
                    indicator=ind.title.get(self.lang),
                    definition=ind.definition.get(self.lang),
                    source=source_text,
                    table=self.table_id(ind) or (src.file or "–"),
                    updated=self.updated(ind),
                )
            )
        block = Sources(rows=rows, lang=self.lang)
        if show:
            _display(Output(block.html(), t("sources_appendix", self.lang)))
        return block

    def compass(self, show: bool = True) -> str:
        """The broad-welfare page: the published Bruto Twents Geluk marks as published, then our
        own compass (income, work, personal development across the 40 COROP regions) with its
        sub-indicators and sensitivity analysis. Returns the HTML."""
        from ..signals.compass import compass
        from .compass import btg_html, compass_html

        question = t("compass_question", self.lang, regio=self.name(self.focus))
        body = btg_html(self.data, self.focus, self.quarter, self.lang) + compass_html(
            compass(self.data, self.focus, self.quarter), self.lang, self.data
        )
        html = (f'<section class="topic compass-page" id="topic-kompas"><h2 class="question">{escape(question)}</h2>'
                f"{body}</section>")
        self._mark_shown(*[i for i in ("btg_rapportcijfer", "mediaan_inkomen", "laag_inkomen", "netto_arbeidsparticipatie",
                                       "werkloosheid", "hoogopgeleiden", "levenlang_leren", "voortijdig_schoolverlaters")
                           if i in self.cat])
        if show:
            _display(Output(html, question))
        return html

    def signals(self, show: bool = True):
        """The theme's signals (urgencies and opportunities), strongest first, shown as the
        signal board that opens the briefing; returns the :class:`signaal.signals.SignalList`."""
        from .board import signal_board_html

        found = self.found_signals()
        if show:
            _display(Output(signal_board_html(found, self.lang, data=self.data), t("sig_board_title", self.lang)))
        return found

