"""The baseline: a bare Flask JSON endpoint, served by the same gunicorn flags as the app."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    """Answer a small JSON document and nothing else."""
    return {"status": "ok"}
