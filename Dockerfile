# Assembly Insights in a container: the dashboard, HAProxy and the ETL on Debian, with Debian's
# Chromium for chart images and PDF reports. compose.yaml runs it as HAProxy, dashboard workers
# and a refresh job; alone, it serves like bin/serve: `docker run -p 8501:8501 -v warehouse:/warehouse IMAGE`.
FROM python:3.11-slim

# chromium: chart images and PDFs; haproxy: in front of the workers; git: loading local clones
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium haproxy git \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

# The warehouse lives in a volume (/warehouse) that the dashboard and the refresh job share.
RUN useradd --create-home --uid 10001 assembly \
 && mkdir -p /warehouse && chown assembly /warehouse
ENV DSA_DB=/warehouse/warehouse.duckdb \
    BROWSER_PATH=/usr/bin/chromium \
    PYTHONUNBUFFERED=1
USER assembly
EXPOSE 8501
# One Streamlit worker per core behind HAProxy, each browser kept on one worker (serve/).
CMD ["python", "-m", "serve", "--port", "8501"]
