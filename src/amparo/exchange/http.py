"""HTTP routes of the exchange between installations (mounted by the API app factory)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/exchange", tags=["exchange"])
