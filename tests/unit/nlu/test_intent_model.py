"""Training and the trained model's arrays: the features are scikit-learn's, the numpy scoring
matches scikit-learn's TF-IDF, training is deterministic, and the disk cache is safe."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from hotel_agent.nlu import intent_model, intents
from hotel_agent.nlu.intent_model import TrainedModel, ngrams
from hotel_agent.nlu.intents import CACHE_PREFIX, IntentClassifier, load_or_train
from hotel_agent.nlu.text import normalize
from hotel_agent.nlu.training_data import Example, load_examples

MESSAGES = [
    "quiero reservar una habitación doble para el finde",
    "the wifi keeps dropping in room 12",
    "¿admiten perros pequeños?",
    "palabras que el modelo nunca vio: zzzqx wubwub",
]


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_examples()


@pytest.fixture(scope="module")
def model(nlu_model_cache: Path) -> TrainedModel:
    """The run's model (trained once by the first test process, then read from its cache):
    each test process training its own took ~15 s of CPU; `test_training_is_deterministic`
    still trains one here and compares it with this one."""
    return load_or_train(nlu_model_cache)


def test_features_are_char_wb_2_to_5_grams_and_word_1_to_2_grams() -> None:
    text = normalize("¿Tenéis parking gratis?")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False)
    word_grams = TfidfVectorizer(
        ngram_range=(1, 2), lowercase=False, token_pattern=r"(?u)\b[^\W\d_]+\b"
    )
    expected = chars.build_analyzer()(text) + [
        f"w:{gram}" for gram in word_grams.build_analyzer()(text)
    ]
    assert Counter(ngrams(text)) == Counter(expected)


def test_numpy_scoring_matches_scikit_learn_tfidf(
    examples: list[Example], model: TrainedModel
) -> None:
    vectorizer = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True)
    vectorizer.fit([normalize(example.text) for example in examples])
    classifier = IntentClassifier(model)
    for message in MESSAGES:
        row = vectorizer.transform([normalize(message)])
        expected = row @ model.intents.weights + model.intents.bias
        intent_scores, _ = classifier.scores(normalize(message))
        assert np.allclose(intent_scores, expected[0])


def test_training_is_deterministic(examples: list[Example], model: TrainedModel) -> None:
    again = intent_model.train(examples)
    assert again.vocabulary == model.vocabulary
    assert np.array_equal(again.intents.weights, model.intents.weights)
    assert np.array_equal(again.topics.weights, model.topics.weights)


def test_a_saved_model_loads_back_identical(model: TrainedModel, tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    intent_model.save(model, path)
    loaded = intent_model.load(path)
    assert loaded.vocabulary == model.vocabulary
    assert loaded.intents.labels == model.intents.labels
    assert loaded.topics.labels == model.topics.labels
    assert np.array_equal(loaded.idf, model.idf)
    assert np.array_equal(loaded.intents.weights, model.intents.weights)
    assert np.array_equal(loaded.topics.bias, model.topics.bias)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def _cached(tmp_path: Path) -> Path:
    return tmp_path / f"{CACHE_PREFIX}{intent_model.cache_key()}.npz"


@pytest.fixture
def child_copies_the_model(nlu_model_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The training child (`intents._trained_apart`) still runs, and still fails where it cannot
    write, but it copies the run's model to its path instead of training one: these tests are
    about the cache, and a patched `train` does not reach a child (each trained for real, ~15 s
    of CPU). The child's real training is `test_training_runs_in_a_child_...`."""
    source = str(_cached(nlu_model_cache))
    code = f"import shutil, sys; shutil.copyfile({source!r}, sys.argv[1])"
    monkeypatch.setattr(intents, "_TRAIN_INTO", code)


@pytest.mark.usefixtures("child_copies_the_model")
def test_the_cache_is_written_once_then_read_without_training(
    model: TrainedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intent_model, "train", lambda _: model)
    load_or_train(tmp_path)
    assert _cached(tmp_path).is_file()

    def no_training(_: object) -> TrainedModel:
        raise AssertionError("trained although a cached model exists")

    monkeypatch.setattr(intent_model, "train", no_training)
    assert load_or_train(tmp_path).vocabulary == model.vocabulary


@pytest.mark.usefixtures("child_copies_the_model")
def test_a_damaged_cache_is_replaced_and_older_ones_removed(
    model: TrainedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intent_model, "train", lambda _: model)
    stale = tmp_path / f"{CACHE_PREFIX}0000000000000000.npz"
    stale.write_bytes(b"an older model")
    _cached(tmp_path).write_bytes(b"PK\x03\x04 cut short by a full disk")
    assert load_or_train(tmp_path).vocabulary == model.vocabulary
    assert intent_model.load(_cached(tmp_path)).vocabulary == model.vocabulary
    assert not stale.exists()


@pytest.mark.usefixtures("child_copies_the_model")
def test_an_unwritable_cache_only_costs_training(
    model: TrainedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intent_model, "train", lambda _: model)
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    assert load_or_train(blocked).vocabulary == model.vocabulary


def test_the_shared_classifier_is_built_once() -> None:
    assert intents.shared_classifier() is intents.shared_classifier(Path("/nonexistent"))


def test_a_bundled_model_is_loaded_before_the_cache_and_never_retrained(
    model: TrainedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intents, "BUNDLED_DIR", tmp_path / "bundled")
    monkeypatch.setattr(intent_model, "train", lambda _: model)
    (tmp_path / "bundled").mkdir()
    (tmp_path / "bundled" / f"{CACHE_PREFIX}0000000000000000.npz").write_bytes(b"older")
    path = intents.bundle()
    assert path.name == f"{CACHE_PREFIX}{intent_model.source_key()}.npz"
    assert list((tmp_path / "bundled").iterdir()) == [path]
    assert path.stat().st_mode & 0o777 == 0o644  # readable by the service's own user

    def no_training(_: object) -> TrainedModel:
        raise AssertionError("trained although a bundled model exists")

    monkeypatch.setattr(intent_model, "train", no_training)
    assert load_or_train(tmp_path / "cache").vocabulary == model.vocabulary
    assert load_or_train(None).vocabulary == model.vocabulary
    assert not (tmp_path / "cache").exists()  # nothing written to DATA_DIR


def test_the_bundled_key_leaves_out_the_trainer_which_the_cache_key_has() -> None:
    # A runtime-only install has no scikit-learn to name: its bundled model is still found.
    assert intent_model.source_key() != intent_model.cache_key()


def test_training_without_scikit_learn_says_what_is_missing(
    examples: list[Example], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.feature_extraction.text", None)
    with pytest.raises(RuntimeError, match="needs scikit-learn"):
        intent_model.train(examples)


def test_training_runs_in_a_child_so_this_process_never_holds_scikit_learn(
    tmp_path: Path,
) -> None:
    # A serving process keeps what it once allocated: training's peak belongs to the child.
    code = (
        "import sys, pathlib; from hotel_agent.nlu.intents import load_or_train; "
        "model = load_or_train(pathlib.Path(sys.argv[1])); "
        "print(len(model.vocabulary) > 0, 'sklearn' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "False"]
    assert _cached(tmp_path).is_file()
