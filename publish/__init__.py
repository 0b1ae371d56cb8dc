"""What leaves the dashboard, free of Streamlit: the annual report and case studies (HTML, PDF),
the chart theme, printing through Chromium, and text formatting."""
