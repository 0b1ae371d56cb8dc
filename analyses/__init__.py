"""The analyses behind the dashboard and the reports, free of Streamlit: the named queries
(analyses/queries/*.sql), reporting periods, network measures and the results stored per period."""
