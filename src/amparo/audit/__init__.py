"""The audit trail: an append-only, hash-chained log in the database, with signed checkpoints.

* :mod:`amparo.audit.entries`: what an entry holds and its hash;
* :mod:`amparo.audit.chain`: appending an entry in the caller's transaction and chaining the
  queued entries after commit;
* :mod:`amparo.audit.checkpoints`: checkpoints signed by the installation's key, bound to the
  session factory at the edge (:func:`bind_signer`);
* :mod:`amparo.audit.export`: the JSON Lines export with its signed trailer;
* :mod:`amparo.audit.verify`: verification of an export or of the database.

The names most callers need are re-exported here (``from amparo import audit``;
``audit.record(...)``).
"""

from __future__ import annotations

from amparo.audit.chain import (
    CHAIN_BATCH,
    SWEEP_SECONDS,
    chain_queued,
    chain_soon,
    head_of,
    integrate,
    queued,
    queued_count,
    record,
    settle,
)
from amparo.audit.checkpoints import (
    CHECKPOINT_INTERVAL,
    Signer,
    bind_signer,
    checkpoint,
    checkpoint_body,
    checkpoint_hash,
    checkpoint_row,
)
from amparo.audit.entries import (
    ENTRY_FIELDS,
    GENESIS,
    QUEUE,
    Outcome,
    count,
    entry_hash,
    entry_row,
    queued_row,
)
from amparo.audit.export import export, iter_log

__all__ = [
    "CHAIN_BATCH",
    "CHECKPOINT_INTERVAL",
    "ENTRY_FIELDS",
    "GENESIS",
    "QUEUE",
    "SWEEP_SECONDS",
    "Outcome",
    "Signer",
    "bind_signer",
    "chain_queued",
    "chain_soon",
    "checkpoint",
    "checkpoint_body",
    "checkpoint_hash",
    "checkpoint_row",
    "count",
    "entry_hash",
    "entry_row",
    "export",
    "head_of",
    "integrate",
    "iter_log",
    "queued",
    "queued_count",
    "queued_row",
    "record",
    "settle",
]
