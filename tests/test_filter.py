"""The trained candidate filter: its weights file, its features, and what the
filtered extractor keeps compared with the rules."""

from __future__ import annotations

import json
from importlib import resources

from click.testing import CliRunner

from claimtrack.cli import cli
from claimtrack.extract import EXTRACTORS, extract_text, parse
from claimtrack.extract.filter import features, load_filter
from claimtrack.extract.nlp import get_nlp

TEXT = ("Officials said the bridge would reopen in May. Many residents seem to doubt it. "
        "“We have waited long enough,” said Ana Ruiz, who runs a bakery nearby.")


def test_weights_file_is_small_versioned_and_readable():
    path = resources.files("claimtrack").joinpath("data/filter.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert len(path.read_bytes()) < 1_000_000
    assert raw["version"] and set(raw["thresholds"]) == {"speech", "other"}
    flags = {"after_comma", "bias", "cue_after", "cue_before", "first_sent", "modal", "neg",
             "question", "to_inf", "nocue"}
    assert all("=" in k or k in flags for k in raw["weights"])
    assert "PolNeAR" in raw["about"] and "licence" in raw["about"]
    assert f"+filter.{raw['version']}" in EXTRACTORS["filtered"]


def test_features_are_named_sorted_and_deterministic():
    doc = parse(get_nlp(), TEXT)
    a = next(a for a in extract_text(TEXT, extractor="rules").attributions
             if a.cue_lemma == "say")
    f = features(a, doc)
    assert f == sorted(set(f)) == features(a, doc)
    assert {"rule=verb_clause", "lem=say", "cls=speech", "bias"} <= set(f)


def test_filtered_is_the_rules_less_some_never_more():
    rules = extract_text(TEXT, extractor="rules")
    filtered = extract_text(TEXT, extractor="filtered")
    key = lambda a: (a.content.start, a.content.end, a.cue and a.cue.start)  # noqa: E731
    assert {key(a) for a in filtered.attributions} <= {key(a) for a in rules.attributions}
    assert filtered.extractor == EXTRACTORS["filtered"] != rules.extractor
    said = [a for a in filtered.attributions if a.cue_lemma == "say"]
    assert len(said) == 2  # plain reports with named speakers stay


def test_every_kept_candidate_clears_its_class_threshold():
    doc = parse(get_nlp(), TEXT)
    f = load_filter()
    for a in extract_text(TEXT, extractor="filtered").attributions:
        if a.rule != "no_source":
            assert f.probability(a, doc) >= f.thresholds[a.cue_class]


def test_cli_extractor_choice(tmp_path):
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d", "text": TEXT}) + "\n", encoding="utf-8")
    runner = CliRunner()
    outs = {}
    for name in ("rules", "filtered"):
        r = runner.invoke(cli, ["extract", str(src), "--extractor", name])
        assert r.exit_code == 0, r.output
        outs[name] = json.loads(r.stdout.splitlines()[0])["attributions"]
    assert len(outs["filtered"]) <= len(outs["rules"])
    bad = runner.invoke(cli, ["extract", str(src), "--extractor", "neural"])
    assert bad.exit_code == 2
