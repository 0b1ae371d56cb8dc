"""Serving the dashboard to many people at once: several Streamlit processes behind HAProxy.

One Streamlit process runs every viewer's page on one core, so `bin/serve` (`python -m serve`)
starts one worker process per core, each `streamlit run app.py` on its own port of 127.0.0.1,
and HAProxy in front of them on the public port. HAProxy keeps each browser on one worker with a
cookie (a tab's websocket, its downloads under /media/ and a sign-in's callback all reach the
process that holds its session), checks each worker's /_stcore/health, and passes websockets.
The supervisor (supervisor.py) restarts a worker that dies and stops everything on Ctrl+C or
SIGTERM. In containers, `python -m serve.proxy` runs HAProxy alone in front of worker replicas.

Nothing here imports the rest of the project: it only starts processes.
"""
