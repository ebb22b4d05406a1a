"""amparo: administers regional protection-cooperation agreements end to end.

Law as code (``amparo.engine`` + ``amparo.rules``), intake and identity, cases, transfers,
confidential exchange between agencies, and flows of the official data.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
