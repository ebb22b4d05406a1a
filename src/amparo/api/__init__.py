"""The HTTP API (FastAPI app factory in amparo.api.app)."""
