"""Assembly Insights ETL: builds the DuckDB warehouse that the dashboard reads."""
