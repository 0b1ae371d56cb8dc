"""Tech radar: what the Assembly says to adopt, trial, assess or hold, beside what teams really use."""
import streamlit as st

from analyses import vocabulary
from dashboard import charts, data, figures, filters
from publish.text import day, plain

f = filters.current()
words = vocabulary.current()
st.title("Tech radar")
st.caption(f"The Assembly's curated radar beside the evidence: use across all teams in the 12 months to "
           f"{f.period.end:%d %b %Y}")

radar = data.query("radar_evidence", as_of=f.period.end)
if radar.empty:
    st.info("The radar is empty: add entries to data/radar.yml.")
    st.stop()

disagreements = radar[radar.disagreement.notna()]
if not disagreements.empty:
    st.warning(f"**The radar and the evidence disagree on {len(disagreements)} technologies**\n\n" + "\n".join(
        f"- **{plain(r.name)}** ({plain(r.ring)}): {plain(r.disagreement)}" for r in disagreements.itertuples()))

# Numbered by quadrant, then ring, then name, so that each quadrant's legend counts up.
quadrant_order, ring_order = vocabulary.ids(words.quadrants), vocabulary.ids(words.rings)
radar = (radar.assign(q=radar.quadrant.map(quadrant_order.index), k=radar.ring.map(ring_order.index),
                     n=radar.name.str.casefold())
         .sort_values(["q", "k", "n"]).drop(columns=["q", "k", "n"]).reset_index(drop=True))
radar = radar.assign(number=range(1, len(radar) + 1))
fig = figures.radar_figure(radar)
# The radar reads every team, whatever the sidebar's choice: its exports say so.
evidence = f"The Assembly's radar · use by all teams in the 12 months to {day(f.period.end)}"
charts.show(fig, key="radar_chart", data=radar.drop(columns=["match_kind", "match_value"], errors="ignore"), title="Tech radar",
            scope=evidence,
            alt="Tech radar: technologies placed by quadrant and ring, numbered, with a list of each quadrant's "
                "technologies by ring beside it; diamonds mark disagreement with usage.")
st.caption("Rings from the centre: " + "; ".join(f"{plain(r.label)} ({plain(r.meaning)})" for r in words.rings)
           + ". A diamond (◆ beside the name) marks a technology whose use disagrees with its ring.")
rings = vocabulary.labels(words.rings)
quadrants = vocabulary.labels(words.quadrants)
charts.table("Tech radar", radar.assign(ring=radar.ring.map(rings), evidence_ring=radar.evidence_ring.map(rings),
                                        quadrant=radar.quadrant.map(quadrants)),
             scope=evidence, hide_index=True, height=min(560, 35 * (len(radar) + 1) + 3),
             column_order=["number", "name", "ring", "evidence_ring", "teams_recent", "trend", "quadrant", "since"],
             column_config={"number": st.column_config.NumberColumn("#", width="small"),
                            "name": "Technology", "quadrant": "Quadrant", "ring": "Curated ring",
                            "evidence_ring": st.column_config.TextColumn("Use suggests", help="From use across teams in "
                                                                         "the last 12 months: half the active teams or "
                                                                         "more: adopt; 2 or more: trial; 1: assess; "
                                                                         "none: hold. Empty: not measurable."),
                            "teams_recent": st.column_config.NumberColumn("Teams using", help="Teams using it in "
                                                                          "repositories with commits in the last 12 months."),
                            "trend": st.column_config.TextColumn("Trend", help="Repositories with commits using it in "
                                                                 "the last 12 months against the 12 months before."),
                            "since": st.column_config.DateColumn("In ring since", format="MMM YYYY")})

st.subheader("Why each technology is where it is", anchor=False)
quadrant = st.segmented_control("Quadrant", list(quadrants), format_func=lambda q: plain(quadrants[q]), key="quadrant",
                                bind="query-params")
shown = radar if not quadrant else radar[radar.quadrant == quadrant]
for r in shown.itertuples():
    teams = f"{r.teams_recent} team{'' if r.teams_recent == 1 else 's'}"
    evidence = (f"used by {teams} in the last 12 months ({r.trend})" if r.measurable
                else "usage not measurable from repositories")
    st.markdown(f"**{plain(r.name)}** · {plain(rings[r.ring])} since {r.since:%b %Y} · {plain(evidence)}  \n"
                f"{plain(r.rationale)}")

st.subheader("History of ring moves", anchor=False)
history = data.query("radar_history")
history = history.assign(quadrant=history.quadrant.map(quadrants).fillna(history.quadrant),
                         ring_from=history.ring_from.map(rings).fillna("new on the radar"),
                         ring_to=history.ring_to.map(rings).fillna(history.ring_to))
charts.table("Tech radar history", history, scope="Every ring move of the Assembly's radar", hide_index=True, column_config={
    "moved_on": st.column_config.DateColumn("Date", format="D MMM YYYY"), "name": "Technology", "quadrant": "Quadrant",
    "ring_from": "From", "ring_to": "To", "rationale": st.column_config.TextColumn("Why", width="large")})
