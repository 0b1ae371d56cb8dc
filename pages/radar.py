"""Tech radar: what the Assembly says to adopt, trial, assess or hold, beside what teams really use."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, data, filters, theme
from dashboard.text import plain

RINGS = ["adopt", "trial", "assess", "hold"]
# Ring edges from the centre. The inner rings are wider because they hold the most entries.
RING_EDGES = {"adopt": (0.0, 2.0), "trial": (2.0, 3.0), "assess": (3.0, 3.5), "hold": (3.5, 4.0)}
QUADRANTS = ["languages", "libraries", "tools", "platforms"]
RING_COLOURS = {"adopt": theme.NHS_DARK_BLUE, "trial": theme.NHS_BLUE, "assess": "#41B6E6", "hold": theme.NHS_MID_GREY}


def positions(frame: pd.DataFrame) -> pd.DataFrame:
    """Place each entry in its quadrant's 90 degrees and its ring's band, spread so blips do not
    sit on each other: evenly over the angle, alternating between two radii when crowded."""
    out = []
    for (quadrant, ring), group in frame.groupby(["quadrant", "ring"]):
        start = 90 * (QUADRANTS.index(quadrant) if quadrant in QUADRANTS else 0)
        low, high = RING_EDGES[ring]
        crowded = len(group) > 3
        for i, row in enumerate(group.sort_values("number").itertuples()):
            angle = start + 6 + 78 * (i + 0.5) / len(group)
            share = (0.3 if i % 2 == 0 else 0.75) if crowded else 0.55
            if ring == "adopt":  # near the centre arcs are short: keep blips out where there is room
                share = (0.5 if i % 2 == 0 else 0.82) if crowded else 0.65
            radius = low + (high - low) * share
            out.append({**row._asdict(), "theta": angle, "r": radius})
    return pd.DataFrame(out)


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
        f"- **{plain(r.name)}** ({r.ring}): {plain(r.disagreement)}" for r in disagreements.itertuples()))


# Blips carry numbers, as on printed radars; the table beside gives the names.
radar = radar.assign(number=range(1, len(radar) + 1))
left, right = st.columns([3, 2])
with left:
    placed = positions(radar)
    fig = go.Figure()
    for ring in RINGS:
        part = placed[placed.ring == ring]
        disagree = part.disagreement.notna()
        fig.add_trace(go.Scatterpolar(
            r=part.r, theta=part.theta, mode="markers+text", name=ring.capitalize(), text=part.number.astype(str),
            textfont=dict(size=10, color="white"),
            marker=dict(size=19, color=RING_COLOURS[ring], symbol=["diamond" if d else "circle" for d in disagree],
                        line=dict(width=[3 if d else 1 for d in disagree],
                                  color=[theme.NHS_WARM_YELLOW if d else "white" for d in disagree])),
            customdata=part[["name", "quadrant", "teams_recent", "evidence_ring"]].fillna("not measured").values,
            hovertemplate="<b>%{text}. %{customdata[0]}</b><br>%{customdata[1]}<br>teams using: %{customdata[2]}"
                          "<br>evidence: %{customdata[3]}<extra></extra>"))
    edges = [high for _, high in RING_EDGES.values()]
    middles = [(low + high) / 2 for low, high in RING_EDGES.values()]
    fig.update_layout(
        height=620, legend=dict(orientation="h", y=-0.04), margin=dict(l=40, r=40, t=40, b=40),
        polar=dict(radialaxis=dict(range=[0, 4], tickvals=middles, ticktext=[r.capitalize() for r in RINGS],
                                   showline=False, showgrid=False, angle=90, tickangle=90,
                                   tickfont=dict(size=12, color=theme.NHS_DARK_GREY)),
                   angularaxis=dict(tickvals=[45, 135, 225, 315], ticktext=[q.capitalize() for q in QUADRANTS],
                                    direction="counterclockwise", rotation=0, showgrid=False)))
    # Ring edges and quadrant lines, drawn as lines so they sit where the bands are.
    for edge in edges:
        fig.add_trace(go.Scatterpolar(r=[edge] * 361, theta=list(range(361)), mode="lines", hoverinfo="skip",
                                      line=dict(color=theme.NHS_PALE_GREY, width=2), showlegend=False))
    for angle in (0, 90, 180, 270):
        fig.add_trace(go.Scatterpolar(r=[0, 4], theta=[angle, angle], mode="lines", hoverinfo="skip",
                                      line=dict(color=theme.NHS_MID_GREY, width=1), showlegend=False))
    fig.data = fig.data[len(RINGS):] + fig.data[:len(RINGS)]  # blips on top of the lines
    charts.show(fig, key="radar_chart", data=radar.drop(columns=["match_kind", "match_value"], errors="ignore"), title="Tech radar",
                    alt="Tech radar: numbered technologies placed by quadrant and ring; diamonds mark disagreement "
                        "with usage. The table beside it lists them by number.")
    st.caption("Rings from the centre: adopt, trial, assess, hold. Diamonds with a yellow edge: the evidence disagrees.")
with right:
    st.dataframe(radar, hide_index=True, height=620,
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
quadrant = st.segmented_control("Quadrant", ["languages", "libraries", "tools", "platforms"],
                                format_func=str.capitalize, key="quadrant", bind="query-params")
shown = radar if not quadrant else radar[radar.quadrant == quadrant]
for r in shown.itertuples():
    evidence = (f"used by {r.teams_recent} team(s) in the last 12 months ({r.trend})" if r.measurable
                else "usage not measurable from repositories")
    st.markdown(f"**{plain(r.name)}** · {r.ring} since {r.since:%b %Y} · {plain(evidence)}  \n{plain(r.rationale)}")

st.subheader("History of ring moves", anchor=False)
history = data.query("radar_history")
st.dataframe(history, hide_index=True, column_config={
    "moved_on": st.column_config.DateColumn("Date", format="D MMM YYYY"), "name": "Technology", "quadrant": "Quadrant",
    "ring_from": "From", "ring_to": "To", "rationale": st.column_config.TextColumn("Why", width="large")})
