"""The compiled scorer gives Splink's own scores, level by level, on thousands of pairs."""

from __future__ import annotations

import pytest

from amparo.identity import synth
from amparo.identity.linkage import load_default_model
from amparo.identity.names import normalise_record
from amparo.identity.realtime import RealtimeScorer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_compiled_scores_equal_splink_compare_records(population: synth.Population) -> None:
    model, threshold, tf = load_default_model()
    scorer = RealtimeScorer(model, threshold, tf)
    records = [normalise_record(e) for e in population.encounters[:400]]
    checked = 0
    for new in records[::40]:
        compiled = {s.record_id: s for s in scorer.score(new, records)}
        reference = {s.record_id: s for s in scorer.score_with_splink(new, records)}
        assert compiled.keys() == reference.keys()
        for rid, ref in reference.items():
            got = compiled[rid]
            assert got.match_weight == pytest.approx(ref.match_weight, abs=1e-9)
            assert [(e.comparison, e.level) for e in got.evidence] == [
                (e.comparison, e.level) for e in ref.evidence
            ]
            checked += 1
    assert checked == 10 * len(records)


def test_nicknames_and_swaps_score_high_and_strangers_low() -> None:
    scorer = RealtimeScorer(*load_default_model())
    known = normalise_record(
        {
            "record_id": "k",
            "given_names": "José Luis",
            "surnames": "Pérez Gómez",
            "birth_date": "1990-03-04",
            "nationality": "GT",
        }
    )
    variant = normalise_record(
        {
            "record_id": "v",
            "given_names": "CHEPE LUIS",
            "surnames": "GOMEZ PEREZ",
            "birth_date": "1990-04-03",
            "nationality": "GT",
        }
    )
    stranger = normalise_record(
        {
            "record_id": "s",
            "given_names": "Wendy",
            "surnames": "Zelaya Funes",
            "birth_date": "2001-09-30",
            "nationality": "HN",
        }
    )
    [match] = scorer.score(variant, [known])
    [other] = scorer.score(stranger, [known])
    assert match.match_weight > other.match_weight + 40
    levels = {e.comparison: e.level for e in match.evidence}
    assert levels["surnames"] == "surnames swapped" and levels["birth_date"] == "day and month swapped"
