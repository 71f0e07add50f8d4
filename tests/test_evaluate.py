"""`claimtrack eval`: a small hand-written gold file through the CLI, and (when
../shared/eval is present) agreement with its score.py on 50 PolNeAR dev documents."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVAL_DIR, run_cli

from claimtrack import api
from claimtrack.evalsplit import iter_split

HARBOUR = (
    "Harbour Plan Stalls\n\n"
    'The harbour master said the new pier would open in May. "We are ready," she told '
    "reporters on Monday. Local fishermen fear the works will drive away trade."
)
SCHOOL = (
    "School Closes Early\n\n"
    "According to the district office, the school will close at noon. Parents were not "
    "told why, a teacher said."
)


def sp(text: str, piece: str) -> dict:
    start = text.index(piece)
    return {"text": piece, "start": start, "end": start + len(piece)}


def att(text: str, content: str, source: str | None, cue: str | None, kind: str,
        cue_class: str) -> dict:
    return {"source": sp(text, source) if source else None, "cue": sp(text, cue) if cue else None,
            "content": sp(text, content), "kind": kind, "cue_class": cue_class}


GOLD = [
    {"id": "harbour", "text": HARBOUR, "meta": {"publisher": "test"}, "attributions": [
        att(HARBOUR, "the new pier would open in May", "The harbour master", "said", "indirect",
            "speech"),
        att(HARBOUR, '"We are ready,"', "she", "told", "direct", "speech"),
        att(HARBOUR, "the works will drive away trade", "Local fishermen", "fear", "indirect",
            "other"),
    ]},
    {"id": "school", "text": SCHOOL, "attributions": [
        att(SCHOOL, "the school will close at noon", "the district office", "According to",
            "indirect", "speech"),
        att(SCHOOL, "Parents were not told why", "a teacher", "said", "indirect", "speech"),
    ]},
    {"id": "quiet", "text": "Rain fell all day on the valley.", "attributions": []},
]

# hand-made predictions: two right (one by text only), one false alarm, school missing
PRED = [
    {"id": "harbour", "attributions": [
        att(HARBOUR, "the new pier would open in May", "The harbour master", "said", "indirect",
            "speech"),
        {"content": {"text": "We are ready"}, "source": {"text": "she"},
         "cue": {"text": "reporters"}},
        att(HARBOUR, "Harbour Plan Stalls", None, None, "indirect", "speech"),
    ]},
    {"id": "quiet", "attributions": []},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def gold_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "gold.jsonl", GOLD)


@pytest.fixture()
def pred_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "pred.jsonl", PRED)


def eval_json(*args: str) -> dict:
    result = run_cli("eval", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_pred_file_scores_exactly(gold_file, pred_file):
    m = eval_json(str(gold_file), "--pred", str(pred_file))
    assert (m["extractor"], m["extractor_name"]) == (None, None)
    assert m["gold_docs"] == 3
    ov = m["content_overlap"]
    assert (ov["tp"], ov["pred"], ov["gold"]) == (2, 3, 5)
    assert ov["precision"] == pytest.approx(2 / 3) and ov["recall"] == pytest.approx(2 / 5)
    assert m["content_exact"]["tp"] == 2  # quotation marks and commas never count
    assert (m["source_lenient_acc"], m["cue_lenient_acc"]) == (1.0, 0.5)
    assert m["content_and_source"]["tp"] == 2
    assert m["counts"]["gold_docs_without_prediction"] == 1
    assert m["counts"]["pred_relocated"] == 3
    assert m["recall_by"]["cue_class=other"] == {"gold": 1, "recall": 0.0,
                                                 "source_acc_given_match": None}
    assert m["recall_by"]["kind=direct"]["recall"] == 1.0


def test_only_filters_gold_and_labelled_predictions(gold_file, pred_file):
    m = eval_json(str(gold_file), "--pred", str(pred_file), "--only", "cue_class=speech")
    assert m["only"] == ["cue_class=speech"]
    assert (m["content_overlap"]["gold"], m["content_overlap"]["pred"]) == (4, 3)
    m = eval_json(str(gold_file), "--pred", str(pred_file), "--only", "kind=direct")
    # the labelled indirect false alarm is ignored; the unlabelled match stays
    assert (m["content_overlap"]["tp"], m["content_overlap"]["pred"],
            m["content_overlap"]["gold"]) == (1, 1, 1)


def test_errors_show_misses_and_false_alarms_in_context(gold_file, pred_file):
    m = eval_json(str(gold_file), "--pred", str(pred_file), "--errors", "2", "--seed", "7")
    assert len(m["misses"]) == 2 and len(m["false_alarms"]) == 1
    assert m["errors_seed"] == 7
    fa = m["false_alarms"][0]
    assert (fa["what"], fa["doc_id"], fa["content"]) == ("false_alarm", "harbour",
                                                         "Harbour Plan Stalls")
    assert fa["context_after"].startswith("\n\nThe harbour master said")
    for e in m["misses"]:
        assert e["source"] and e["cue"] and len(e["context_before"]) <= 50
        assert HARBOUR.find(e["content"]) >= 0 or SCHOOL.find(e["content"]) >= 0
    again = eval_json(str(gold_file), "--pred", str(pred_file), "--errors", "2", "--seed", "7")
    assert again["misses"] == m["misses"]
    table = run_cli("eval", str(gold_file), "--pred", str(pred_file), "--errors", "2")
    assert "misses" in table.stdout and "false alarms" in table.stdout
    assert "Harbour Plan Stalls" in table.stdout


def test_table_ends_with_the_machine_readable_line(gold_file, pred_file):
    result = run_cli("eval", str(gold_file), "--pred", str(pred_file))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "content_f1=0.500 source_acc=1.000"
    assert "gold_docs_without_prediction=1" in result.stdout


def test_extraction_scores_what_claimtrack_extract_writes(gold_file, tmp_path):
    m = eval_json(str(gold_file), "--extractor", "rules")
    assert m["extractor"] == "rules"
    assert m["extractor_name"].startswith("claimtrack-rules/")
    extracted = run_cli("extract", str(gold_file))
    assert extracted.exit_code == 0, extracted.stderr
    pred = tmp_path / "extracted.jsonl"
    pred.write_text(extracted.stdout, encoding="utf-8")
    from_file = eval_json(str(gold_file), "--pred", str(pred))
    for key in ("content_exact", "content_overlap", "content_and_source", "source_lenient_acc",
                "cue_exact_acc", "recall_by", "counts"):
        assert m[key] == from_file[key], key
    assert m["content_overlap"]["gold"] == 5
    assert m["counts"]["gold_docs_without_prediction"] == 0


def test_jobs_give_the_same_numbers(gold_file):
    one = api.evaluate(str(gold_file), jobs=1)
    two = api.evaluate(str(gold_file), jobs=2)
    assert one == two


def test_progress_is_reported(gold_file):
    seen: list[tuple[int, int | None]] = []
    api.evaluate(str(gold_file), progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_bad_inputs_fail_with_one_line(tmp_path, gold_file):
    missing = run_cli("eval", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x", "attributions": []}\nnot json\n', encoding="utf-8")
    r = run_cli("eval", str(bad))
    assert r.exit_code == 1 and "line 2: not JSON" in r.stderr
    no_text = write_jsonl(tmp_path / "notext.jsonl", [{"id": "a", "attributions": []}])
    r = run_cli("eval", str(no_text))
    assert r.exit_code == 1 and 'need a string "text"' in r.stderr
    r = run_cli("eval", str(gold_file), "--only", "cue_class")
    assert r.exit_code == 2 and "FIELD=VALUE" in r.stderr
    r = run_cli("eval", str(gold_file), "--extractor", "neural")
    assert r.exit_code == 2
    r = run_cli("eval", str(gold_file), "--pred", str(gold_file), "--csv")
    assert r.exit_code == 1 and "--json" in r.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    r = run_cli("eval", str(empty))
    assert r.exit_code == 1 and "no documents" in r.stderr


def test_repeated_ids_warn(tmp_path, gold_file):
    pred = write_jsonl(tmp_path / "dup.jsonl", PRED + PRED[:1])
    r = run_cli("eval", str(gold_file), "--pred", str(pred))
    assert r.exit_code == 0 and "repeated" in r.stderr


# --- agreement with ../shared/eval/score.py ----------------------------------------------

N_AGREEMENT_DOCS = 50
HEADLINE = ("content_exact", "content_overlap", "content_and_source")
ACCURACIES = ("source_lenient_acc", "source_exact_acc", "cue_lenient_acc", "cue_exact_acc")


@pytest.fixture(scope="module")
def polnear_sample(tmp_path_factory) -> tuple[Path, Path]:
    """The first 50 dev documents and the extractor's predictions on them, once."""
    corpus = EVAL_DIR / "polnear.jsonl"
    if not corpus.is_file() or not (EVAL_DIR / "score.py").is_file():
        pytest.skip("../shared/eval (PolNeAR and its scorer) is absent")
    tmp = tmp_path_factory.mktemp("polnear")
    docs = list(itertools.islice(iter_split(corpus, "dev"), N_AGREEMENT_DOCS))
    gold = write_jsonl(tmp / "gold.jsonl", docs)
    extracted = run_cli("extract", str(gold))
    assert extracted.exit_code == 0, extracted.stderr
    pred = tmp / "pred.jsonl"
    pred.write_text(extracted.stdout, encoding="utf-8")
    return gold, pred


@pytest.mark.polnear
@pytest.mark.parametrize("only", [[], ["cue_class=speech"]])
def test_agrees_with_the_reference_scorer(polnear_sample, tmp_path, only):
    gold, pred = polnear_sample
    ref_json = tmp_path / "reference.json"
    args = [a for o in only for a in ("--only", o)]
    proc = subprocess.run(
        [sys.executable, str(EVAL_DIR / "score.py"), str(gold), str(pred), "--json",
         str(ref_json), *args],
        capture_output=True, text=True, check=True,
    )
    theirs = json.loads(ref_json.read_text(encoding="utf-8"))
    ours = eval_json(str(gold), "--pred", str(pred), *args)
    assert theirs["content_overlap"]["gold"] > 100  # the sample is not trivially small
    for key in HEADLINE:
        for part in ("precision", "recall", "f1"):
            assert ours[key][part] == pytest.approx(theirs[key][part], abs=0.005), (key, part)
    for key in ACCURACIES:
        assert ours[key] == pytest.approx(theirs[key], abs=0.005), key
    assert ours["matched_pairs"] == theirs["matched_pairs"]
    for key, bucket in theirs["recall_by"].items():
        assert ours["recall_by"][key]["recall"] == pytest.approx(bucket["recall"], abs=0.005)
    last = proc.stdout.strip().splitlines()[-1]
    mine = run_cli("eval", str(gold), "--pred", str(pred), *args).stdout.splitlines()[-1]
    assert mine == last


# --- hostile gold files (issue 9) ----------------------------------------------------------


def test_hostile_gold_lines_fail_with_one_line(tmp_path):
    for line, problem in [
        ('{"id": NaN, "text": "x"}', "line 1: NaN is not JSON"),
        ('{"id": 2.5, "text": "x"}', 'line 1: "id" must be a string or an integer'),
        ('{"id": "a", "text": ' + "[" * 50_000 + "]" * 50_000 + "}", "line 1: nested too deeply"),
    ]:
        bad = tmp_path / "bad.jsonl"
        bad.write_text(line + "\n", encoding="utf-8")
        r = run_cli("eval", str(bad))
        assert r.exit_code == 1 and r.stderr.startswith(f"error: {bad}: {problem}")
        assert r.stderr.count("\n") == 1


def test_gold_size_limit_and_lone_surrogate(tmp_path, gold_file):
    r = run_cli("eval", str(gold_file), "--max-bytes", "20")
    assert r.exit_code == 1 and "size limit" in r.stderr and r.stderr.count("\n") == 1
    gold = tmp_path / "sur.jsonl"
    gold.write_text('{"id": "a", "text": "The mayor said \\ud800 taxes rise.", '
                    '"attributions": []}\n', encoding="utf-8")
    r = run_cli("eval", str(gold), "--json")
    assert r.exit_code == 0 and "lone surrogate(s)" in r.stderr
    json.loads(r.stdout)


def test_a_text_that_fails_extraction_stops_the_scores(monkeypatch, gold_file):
    import claimtrack.extract as extract
    from claimtrack.errors import ExtractError
    from claimtrack.models import Extraction

    monkeypatch.setattr(extract, "extract_texts", lambda texts, **kw: (
        ExtractError("worker died") if i == 0 else Extraction(extractor="x", attributions=[])
        for i, _ in enumerate(texts)))
    r = run_cli("eval", str(gold_file))
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"error: {gold_file}: 1 document(s) could not be extracted "
                               '(the first: id "')
    assert "worker died); no scores without them" in r.stderr
