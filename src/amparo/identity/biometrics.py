"""Biometric templates: encrypted at rest, 1:N identification with FAISS, NIST-style metrics.

Templates are vendor-neutral float32 feature vectors (what face or fingerprint matchers emit),
compared by cosine similarity (inner product of L2-normalised vectors).

- At rest: AES-256-GCM with a key kept in ``<data_dir>/identity-template.key`` (created 0600
  on first use); the template id is the associated data, so a ciphertext cannot be moved to
  another row. The database never holds the vector in clear.
- 1:N: :class:`Gallery` searches exactly (``IndexFlatIP``) by default; an approximate index
  (4-bit PQ fast scan with exact re-ranking, or IVF, or HNSW) is validated against exact
  search on every build and used only when its rank-1 recall is at least
  :data:`MIN_APPROXIMATE_RECALL`.
- Thresholds: set from a target false-positive identification rate (FPIR) on non-mated
  searches; accuracy reported as FNIR at that FPIR (NIST FRVT 1:N / IREX conventions).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo.errors import FieldError, InputError, LinkageError, MissingExtra, NotFound

MIN_APPROXIMATE_RECALL = 0.99
#: The person of a template enrolled for an encounter not yet taken in.
PENDING = ""
#: A template taken in with an encounter names it (``E:<encounter id>``) in place of a person.
ENCOUNTER_PREFIX = "E:"
#: A re-ranked PQ index re-scores this many times k candidates exactly (doubled up to the max
#: while validation finds it short of MIN_APPROXIMATE_RECALL).
PQ_RERANK = 64
PQ_RERANK_MAX = 1024
#: Validation probes: this many gallery templates with the noise of a second capture.
VALIDATION_PROBES = 1000
KEY_FILE = "identity-template.key"


def load_key(data_dir: Path) -> bytes:
    """The template encryption key under ``data_dir`` (created, mode 0600, when absent)."""
    path = data_dir / KEY_FILE
    if path.exists():
        key = path.read_bytes()
        if len(key) != 32:
            raise LinkageError(f"{path} is not a 256-bit key ({len(key)} bytes)")
        return key
    data_dir.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def encrypt_template(key: bytes, template_id: str, vector: np.ndarray) -> tuple[bytes, bytes]:
    """(nonce, ciphertext) of a float32 vector, bound to its template id."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    data = np.ascontiguousarray(vector, dtype=np.float32).tobytes()
    return nonce, AESGCM(key).encrypt(nonce, data, template_id.encode())


def decrypt_template(key: bytes, template_id: str, nonce: bytes, ciphertext: bytes) -> np.ndarray:
    """The float32 vector back (LinkageError when the key or the row is wrong)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        data = AESGCM(key).decrypt(nonce, ciphertext, template_id.encode())
    except InvalidTag as exc:
        raise LinkageError(
            f"template {template_id} cannot be decrypted with this installation's key"
        ) from exc
    return np.frombuffer(data, dtype=np.float32).copy()


def store_template(
    session: Session,
    key: bytes,
    *,
    template_id: str,
    person_id: str,
    vector: np.ndarray,
    modality: str = "face",
) -> None:
    """Add an encrypted template row."""
    from amparo.identity.tables import IdentityTemplate

    nonce, ciphertext = encrypt_template(key, template_id, vector)
    session.add(
        IdentityTemplate(
            id=template_id,
            person_id=person_id,
            modality=modality,
            dim=int(vector.shape[0]),
            nonce=nonce,
            ciphertext=ciphertext,
        )
    )


def enroll_template(session: Session, key: bytes, vector: np.ndarray, modality: str = "face") -> str:
    """Store a captured template (encrypted) for an encounter still to be taken in; its id goes
    in the encounter's ``/extensions/biometric``. It belongs to no person (:data:`PENDING`) and
    is in no gallery until intake attaches it to the encounter (:func:`attach_to_encounter`)."""
    from amparo.store.ids import new_id

    wide = np.asarray(vector, dtype=np.float64).reshape(-1)
    if wide.size == 0 or not np.all(np.isfinite(wide)) or np.any(np.abs(wide) > 1e30):
        raise InputError([FieldError("/vector", "must be a non-empty list of finite numbers within ±1e30")])
    vector = wide.astype(np.float32)
    template_id = new_id("T")
    store_template(session, key, template_id=template_id, person_id=PENDING, vector=vector, modality=modality)
    return template_id


def read_template(session: Session, key: bytes, template_id: str) -> tuple[np.ndarray, str]:
    """The decrypted vector and modality of one template (NotFound when there is none)."""
    from amparo.identity.tables import IdentityTemplate

    row = session.get(IdentityTemplate, template_id)
    if row is None:
        raise NotFound("biometric template", template_id)
    return decrypt_template(key, row.id, row.nonce, row.ciphertext), row.modality


def attach_to_encounter(session: Session, template_id: str, encounter_id: str) -> None:
    """Attach an enrolled template to the encounter taken in with it: from then on it is a
    template of whichever person holds that encounter (merges and splits carry it along)."""
    from sqlalchemy import update

    from amparo.identity.tables import IdentityTemplate

    moved = session.execute(
        update(IdentityTemplate)
        .where(IdentityTemplate.id == template_id, IdentityTemplate.person_id == PENDING)
        .values(person_id=ENCOUNTER_PREFIX + encounter_id)
    )
    if getattr(moved, "rowcount", 1) != 1:
        raise InputError(
            [
                FieldError(
                    "/extensions/biometric/template_id",
                    f"template {template_id} is not enrolled or is already attached to an encounter",
                )
            ]
        )


def load_templates(session: Session, key: bytes, modality: str = "face") -> tuple[list[str], np.ndarray]:
    """Person ids and decrypted vectors of every template of a modality (for a gallery);
    templates enrolled for an encounter not yet taken in (:data:`PENDING`) are left out."""
    from amparo.identity.tables import IdentityTemplate
    from amparo.store.models import Encounter

    rows = session.scalars(
        select(IdentityTemplate).where(
            IdentityTemplate.modality == modality, IdentityTemplate.person_id != PENDING
        )
    ).all()
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    via = [
        r.person_id.removeprefix(ENCOUNTER_PREFIX) for r in rows if r.person_id.startswith(ENCOUNTER_PREFIX)
    ]
    holder: dict[str, str] = {}
    if via:
        found = session.execute(select(Encounter.id, Encounter.person_id).where(Encounter.id.in_(via)))
        holder = {str(eid): str(pid) for eid, pid in found}
    people = [
        holder.get(r.person_id.removeprefix(ENCOUNTER_PREFIX), PENDING)
        if r.person_id.startswith(ENCOUNTER_PREFIX)
        else r.person_id
        for r in rows
    ]
    vectors = np.vstack([decrypt_template(key, r.id, r.nonce, r.ciphertext) for r in rows])
    return people, vectors


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - faiss-cpu is a declared dependency
        raise MissingExtra("faiss", "biometrics") from exc
    return faiss


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32, contiguous)."""
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return np.ascontiguousarray(v / np.maximum(norms, 1e-12), dtype=np.float32)


@dataclass
class SearchResult:
    """Top-k gallery entries (ids) and their cosine scores, per probe."""

    ids: list[list[str]]
    scores: np.ndarray


class Gallery:
    """A 1:N gallery of templates with an exact or (only when accurate enough) approximate index.

    ``approximate``: False (exact), True or "pq" (4-bit product-quantisation fast scan, the top
    ``k_factor`` re-ranked by exact inner product: IndexPQFastScan + IndexRefineFlat), "ivf"
    (IndexIVFFlat) or "hnsw". An approximate index is validated against exact search on every
    build (:meth:`measure_and_choose` on :func:`validation_probes`) and used only when its
    rank-1 agreement reaches :data:`MIN_APPROXIMATE_RECALL`; otherwise search stays exact.
    """

    def __init__(
        self,
        ids: list[str],
        vectors: np.ndarray,
        *,
        approximate: bool | str = False,
        hnsw_m: int = 32,
        validation: np.ndarray | None = None,
    ) -> None:
        if len(ids) != len(vectors):
            raise LinkageError(f"{len(ids)} ids for {len(vectors)} templates")
        faiss = _faiss()
        self.ids = list(ids)
        self.vectors = normalise(vectors)
        dim = self.vectors.shape[1]
        self.exact = faiss.IndexFlatIP(dim)
        self.exact.add(self.vectors)
        self.index = self.exact
        self.kind = "exact (IndexFlatIP)"
        self.approximate_recall: float | None = None
        if approximate is True or approximate == "pq":
            subquantizers = next(m for m in (32, 16, 8, 4, 2, 1) if dim % m == 0)
            fast = faiss.IndexPQFastScan(dim, subquantizers, 4, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(0)
            fast.train(self.vectors[rng.choice(len(ids), size=min(len(ids), 100_000), replace=False)])
            refined = faiss.IndexRefineFlat(fast)
            refined.add(self.vectors)
            refined.k_factor = PQ_RERANK
            self.candidate = refined
        elif approximate == "ivf":
            nlist = max(16, int(4 * np.sqrt(len(ids))))
            ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
            sample = self.vectors[:: max(1, len(ids) // (nlist * 40))]
            ivf.train(sample)
            ivf.add(self.vectors)
            ivf.nprobe = max(8, nlist // 32)
            self.candidate = ivf
        elif approximate:
            hnsw = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = 80
            hnsw.hnsw.efSearch = 128
            hnsw.add(self.vectors)
            self.candidate = hnsw
        if approximate:
            self.measure_and_choose(validation if validation is not None else validation_probes(self.vectors))

    def measure_and_choose(self, probes: np.ndarray) -> float:
        """Measure the approximate index's recall@1 against exact search on ``probes``; use it
        only if it reaches :data:`MIN_APPROXIMATE_RECALL`. Returns the measured recall.

        An IVF index is given more probed lists (doubling, up to a quarter of its lists, past
        which exact search is as fast), a re-ranked PQ index more re-ranked candidates
        (doubling, up to :data:`PQ_RERANK_MAX`), until its recall is enough.
        """
        candidate = getattr(self, "candidate", None)
        if candidate is None:
            raise LinkageError("this gallery was built without an approximate index")
        q = normalise(probes)
        _, exact_ids = self.exact.search(q, 1)

        def recall_now() -> float:
            _, approx_ids = candidate.search(q, 1)
            return float(np.mean(exact_ids[:, 0] == approx_ids[:, 0]))

        recall = recall_now()
        nlist = getattr(candidate, "nlist", 0)
        while recall < MIN_APPROXIMATE_RECALL and nlist and candidate.nprobe * 2 <= nlist // 4:
            candidate.nprobe *= 2
            recall = recall_now()
        while (
            recall < MIN_APPROXIMATE_RECALL
            and hasattr(candidate, "k_factor")
            and candidate.k_factor * 2 <= PQ_RERANK_MAX
        ):
            candidate.k_factor *= 2
            recall = recall_now()
        self.approximate_recall = recall
        name = type(candidate).__name__
        if nlist:
            name += f" nprobe={candidate.nprobe}/{nlist}"
        if hasattr(candidate, "k_factor"):
            name = f"IndexPQFastScan + IndexRefineFlat, top {int(candidate.k_factor)} re-ranked"
        if recall >= MIN_APPROXIMATE_RECALL:
            self.index = candidate
            self.kind = f"approximate ({name}, recall@1 {recall:.4f} against exact on {len(q):,} probes)"
        else:
            self.index = self.exact
            self.kind = f"exact (IndexFlatIP; {name} recall@1 {recall:.4f} < {MIN_APPROXIMATE_RECALL})"
        return recall

    def search(self, probes: np.ndarray, k: int = 1) -> SearchResult:
        """The k best gallery entries for each probe."""
        scores, idx = self.index.search(normalise(probes), k)
        return SearchResult([[self.ids[i] if i >= 0 else "" for i in row] for row in idx], scores)


def validation_probes(vectors: np.ndarray, n: int = VALIDATION_PROBES, *, seed: int = 0) -> np.ndarray:
    """Probes for validating an approximate index against exact search: ``n`` gallery templates
    (unit rows) each moved as far as a second capture of the same person is (cosine ~0.7)."""
    rng = np.random.default_rng(seed)
    rows = vectors[rng.choice(len(vectors), size=min(n, len(vectors)), replace=False)]
    noise = rng.standard_normal(rows.shape).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    return normalise(rows + 0.9 * noise)


def threshold_at_fpir(nonmated_top_scores: np.ndarray, fpir: float) -> float:
    """The score threshold at which a fraction ``fpir`` of non-mated searches return a candidate."""
    if not 0 < fpir < 1 or len(nonmated_top_scores) == 0:
        raise LinkageError("FPIR must be in (0, 1) and non-mated searches are needed")
    return float(np.quantile(nonmated_top_scores, 1.0 - fpir, method="higher"))


def fnir_at_threshold(
    mated_top_ids: list[str], mated_true_ids: list[str], mated_top_scores: np.ndarray, threshold: float
) -> float:
    """FNIR: the share of mated searches whose mate is not returned at rank 1 above threshold."""
    hits = sum(
        1
        for got, want, score in zip(mated_top_ids, mated_true_ids, mated_top_scores, strict=True)
        if got == want and score > threshold
    )
    return 1.0 - hits / len(mated_true_ids) if mated_true_ids else 0.0
