"""The pages around the topics: "in het kort" (one line per topic) and the sources appendix."""

from __future__ import annotations

from ..text import t
from .context import PageContext
from .narrative import bullets, members_lines
from .pages import SourceRow, Sources, Summary, SummaryRow


def summary_block(ctx: PageContext) -> Summary:
    """One row per topic: its question and its strongest verdict (an urgency or opportunity),
    else the first line of its "Toelichting"."""
    rows = []
    for ind_id in ctx.topics:
        ind = ctx.cat[ind_id]
        verdicts = [s for s in ctx.found_signals().for_indicator(ind_id) if s.kind != "neutraal"]
        if verdicts:
            text = max(verdicts, key=lambda s: s.strength).sentence(ctx.lang)
        else:
            narrative = ctx.narrative(ind)
            lines = members_lines(narrative) if ctx.data.not_published(ind_id, ctx.focus) else bullets(narrative)
            text = lines[0] if lines else ""
        rows.append(SummaryRow(topic=ctx.edition.question(ind), summary=text, anchor=ind_id))
    return Summary(rows=rows, lang=ctx.lang)


def sources_block(ctx: PageContext) -> Sources:
    """Every indicator the briefing showed (else its topics) and the ones they are computed
    from: definition, publisher, the table read in this vintage and its last update."""
    lang = ctx.lang
    used: list[str] = []
    for ind_id in ctx.shown or ctx.topics:
        for dep in [ind_id, *ctx.cat.dependencies(ind_id)]:
            if dep not in used:
                used.append(dep)
    rows = []
    for ind_id in used:
        ind = ctx.cat[ind_id]
        src = ind.source
        source_text = src.publisher + (f" — {src.family}" if src.family else "")
        if src.kind == "derived" and ind.transform:
            tf = ind.transform
            parts = [p for p in (tf.numerator, tf.denominator, tf.of, tf.deflator) if p]
            source_text = t("computed_from", lang, names=", ".join(ctx.cat[p].title.get(lang) for p in parts))
        rows.append(
            SourceRow(
                indicator=ind.title.get(lang),
                definition=ind.definition.get(lang),
                source=source_text,
                table=ctx.table_id(ind) or (src.file or "–"),
                updated=ctx.updated(ind),
            )
        )
    return Sources(rows=rows, lang=lang)
