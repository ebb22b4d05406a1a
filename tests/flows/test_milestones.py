"""Chart milestones: plain words in English and Spanish, numbered markers that never overlap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from amparo.flows import charts, milestones


def test_labels_are_plain_words_not_ids() -> None:
    assert milestones.plain_label("aca_guatemala_2019", "implemented") == "Guatemala ACA implemented"
    assert (
        milestones.plain_label("aca_guatemala_2019", "implemented", language="es")
        == "ACA con Guatemala aplicado"
    )
    assert milestones.plain_label("new_thing_2030", "signed", "A New Thing") == "A New Thing signed"


def test_stagger_keeps_close_markers_on_separate_rows() -> None:
    positions = [0.0, 0.01, 0.02, 0.5, 0.51, 0.9]
    rows = milestones.stagger(positions, 0.025)
    assert rows == [0, 1, 2, 0, 1, 0]
    for i, a in enumerate(positions):
        for j in range(i + 1, len(positions)):
            if rows[i] == rows[j]:
                assert positions[j] - a >= 0.025


def test_markers_share_a_number_per_day() -> None:
    events = [
        (dt.date(2019, 11, 19), "aca_rule_2019", "effective", ""),
        (dt.date(2019, 11, 19), "transit_rule_2019", "enjoined", ""),
        (dt.date(2019, 11, 21), "aca_guatemala_2019", "implemented", ""),
        (dt.date(2030, 1, 1), "mpp", "resumed", ""),
    ]
    found = milestones.markers(events, dt.date(2019, 1, 1), dt.date(2020, 12, 1))
    assert [m.number for m in found] == [1, 2]
    assert found[0].labels == ("ACA rule takes effect", "Third-country transit bar blocked by a court")
    assert found[0].row != found[1].row  # two days apart on a two-year axis: staggered


def test_chart_shows_plain_labels_and_the_source_as_a_publication(tmp_path: Path) -> None:
    charts.series_chart("citizenship", tmp_path, dt.date(2019, 6, 1), dt.date(2020, 6, 1), language="es")
    svg = (tmp_path / "series_by_citizenship.svg").read_text(encoding="utf-8")
    assert "ACA con Guatemala aplicado" in svg
    assert "Customs and Border Protection" in svg and "Datos hasta 2025-08" in svg
    assert "data/" not in svg and "aca_guatemala_2019</text>" not in svg


def test_every_milestone_label_is_plain_words_not_an_id() -> None:
    from amparo.rules.us import law_book

    for instrument in law_book().instruments.values():
        for event in instrument.events:
            for language in ("en", "es"):
                label = milestones.plain_label(instrument.id, event.kind, instrument.title, language)
                assert instrument.id not in label and "_" not in label, label
