"""Tech radar: what the Assembly says to adopt, trial, assess or hold, beside what teams really use."""
import streamlit as st

from analyses import vocabulary
from dashboard import charts, data, figures, filters
from publish.text import plain

f = filters.current()
st.title("Tech radar")
st.caption(f"The Assembly's curated radar (data/radar.yml) beside the evidence: use in the 12 months to "
           f"{f.period.end:%d %b %Y}, all teams")

radar = data.query("radar_evidence", as_of=f.period.end)
if radar.empty:
    st.info("The radar is empty: add entries to data/radar.yml.")
    st.stop()

disagreements = radar[radar.disagreement.notna()]
if not disagreements.empty:
    st.warning(f"**The radar and the evidence disagree on {len(disagreements)} technologies**\n\n" + "\n".join(
        f"- **{plain(r.name)}** ({plain(r.ring)}): {plain(r.disagreement)}" for r in disagreements.itertuples()))


# Blips carry numbers, as on printed radars; the table beside gives the names.
radar = radar.assign(number=range(1, len(radar) + 1))
left, right = st.columns([3, 2])
with left:
    fig = figures.radar_figure(radar)
    evidence = f"The Assembly's radar · use by all teams in the 12 months to {f.period.end:%d %b %Y}"
    charts.show(fig, key="radar_chart", data=radar.drop(columns=["match_kind", "match_value"], errors="ignore"), title="Tech radar", scope=evidence,
                    alt="Tech radar: numbered technologies placed by quadrant and ring; diamonds mark disagreement "
                        "with usage. The table beside it lists them by number.")
    st.caption("Rings from the centre: " + "; ".join(f"{plain(r.label)} ({plain(r.meaning)})" for r in vocabulary.current().rings)
               + ". Diamonds with a yellow edge: the evidence disagrees.")
with right:
    charts.table("Tech radar", radar, scope=evidence, hide_index=True, height=620,
                 column_order=["number", "name", "quadrant", "ring", "evidence_ring", "teams_recent", "trend", "since"],
                 column_config={"number": st.column_config.NumberColumn("#", width="small"),
                                "name": "Technology", "quadrant": "Quadrant", "ring": "Curated",
                                "evidence_ring": st.column_config.TextColumn("Evidence", help="From use across teams in the "
                                                                             "last 12 months: half the active teams or more: "
                                                                             "adopt; 2 or more: trial; 1: assess; none: hold."),
                                "teams_recent": st.column_config.NumberColumn("Teams", help="Teams using it in repositories "
                                                                              "with commits in the last 12 months."),
                                "trend": st.column_config.TextColumn("Trend", help="Repositories with commits using it in "
                                                                     "the last 12 months against the 12 months before."),
                                "since": st.column_config.DateColumn("In ring since", format="MMM YYYY")})

st.subheader("Why each technology is where it is", anchor=False)
quadrants = vocabulary.labels(vocabulary.current().quadrants)
quadrant = st.segmented_control("Quadrant", list(quadrants), format_func=lambda q: plain(quadrants[q]), key="quadrant",
                                bind="query-params")
shown = radar if not quadrant else radar[radar.quadrant == quadrant]
for r in shown.itertuples():
    evidence = (f"used by {r.teams_recent} team(s) in the last 12 months ({r.trend})" if r.measurable
                else "usage not measurable from repositories")
    st.markdown(f"**{plain(r.name)}** · {plain(r.ring)} since {r.since:%b %Y} · {plain(evidence)}  \n{plain(r.rationale)}")

st.subheader("History of ring moves", anchor=False)
history = data.query("radar_history")
charts.table("Tech radar history", history, scope="Every ring move of the Assembly's radar", hide_index=True, column_config={
    "moved_on": st.column_config.DateColumn("Date", format="D MMM YYYY"), "name": "Technology", "quadrant": "Quadrant",
    "ring_from": "From", "ring_to": "To", "rationale": st.column_config.TextColumn("Why", width="large")})
