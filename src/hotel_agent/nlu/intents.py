"""Intent and FAQ topic of a message: rules first, then the trained linear models.

Scoring is numpy only (TF-IDF of one message, one product per model, a softmax): about 0.3 ms
a message, and no scikit-learn import (seconds) when the model comes from the disk cache.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hotel_agent.nlu import intent_model, rules
from hotel_agent.nlu.intent_model import LinearModel, TrainedModel, ngrams
from hotel_agent.nlu.text import for_models, normalize, words
from hotel_agent.nlu.training_data import load_examples
from hotel_agent.nlu.types import Intent, Topic

# Chosen by 5-fold cross-validation on the training data (never on the evaluation set):
# `python -m hotel_agent.nlu.evaluate --cross-validate` recomputes them.
TEMPERATURE = 0.21  # softmax(scores / TEMPERATURE): the log-loss minimum
# Below this probability the best intent is a guess: "unknown", so the dialogue asks rather
# than starting a wrong flow. At 0.4 about 2% of messages ask, guesses that were right about a
# third of the time, for 0.2 points of cross-validated accuracy.
UNKNOWN_BELOW = 0.4
RULE_CONFIDENCE = 0.99  # an exact short form, an emoji, an injection pattern


@dataclass(frozen=True)
class Classification:
    intent: Intent
    topic: Topic | None  # only for Intent.FAQ
    confidence: float  # probability of `intent` (rules: RULE_CONFIDENCE)


def probabilities(scores: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    """Softmax of SVM scores along the last axis."""
    scaled = scores / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exponentials = np.exp(scaled)
    result: NDArray[np.float64] = exponentials / exponentials.sum(axis=-1, keepdims=True)
    return result


class IntentClassifier:
    """Read-only once built: `classify` is safe to call from many threads."""

    def __init__(self, model: TrainedModel) -> None:
        self._columns = {feature: column for column, feature in enumerate(model.vocabulary)}
        self._idf = model.idf
        self._intents = model.intents
        self._topics = model.topics

    def classify(self, text: str) -> Classification:
        normalized = normalize(for_models(text))
        if rules.is_injection(normalized):
            return Classification(Intent.UNKNOWN, None, RULE_CONFIDENCE)
        short = rules.short_form(normalized)
        if short is not None:
            return Classification(short, None, RULE_CONFIDENCE)
        if not words(normalized):
            # Emoji, digits or punctuation alone: nothing to understand without the context.
            return Classification(Intent.UNKNOWN, None, 0.0)
        intent_scores, topic_scores = self.scores(normalized)
        intent_probabilities = probabilities(intent_scores, TEMPERATURE)
        best = int(intent_probabilities.argmax())
        confidence = float(intent_probabilities[best])
        intent = Intent(self._intents.labels[best])
        if confidence < UNKNOWN_BELOW:
            return Classification(Intent.UNKNOWN, None, confidence)
        if intent is not Intent.FAQ:
            return Classification(intent, None, confidence)
        topic = Topic(self._topics.labels[int(topic_scores.argmax())])
        return Classification(intent, topic, confidence)

    @property
    def intent_labels(self) -> tuple[str, ...]:
        return self._intents.labels

    @property
    def topic_labels(self) -> tuple[str, ...]:
        return self._topics.labels

    def scores(self, normalized: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Raw SVM scores of a normalized text: per intent label, per topic label."""
        columns, values = self._tfidf(normalized)
        return _linear(self._intents, columns, values), _linear(self._topics, columns, values)

    def _tfidf(self, normalized: str) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """The message's TF-IDF row as (columns, values), computed as TfidfVectorizer does
        with sublinear_tf and l2 norm; features unseen in training are ignored."""
        counts: dict[int, int] = {}
        for feature in ngrams(normalized):
            column = self._columns.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        frequencies = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(frequencies)) * self._idf[columns]
        norm = float(np.linalg.norm(values))
        return columns, values / norm if norm else values


def _linear(
    model: LinearModel, columns: NDArray[np.intp], values: NDArray[np.float64]
) -> NDArray[np.float64]:
    scores: NDArray[np.float64] = values @ model.weights[columns] + model.bias
    return scores


_lock = threading.Lock()
_shared: list[IntentClassifier] = []
CACHE_PREFIX = "nlu-intents-"
# A model trained when the install was built (`bundle`): the container image ships one and
# leaves scikit-learn and scipy out (~170 MB), since scoring needs numpy alone. Read-only,
# found by the training data and code it came from; absent from a development checkout.
BUNDLED_DIR = Path(__file__).with_name("bundled")


def shared_classifier(cache_dir: Path | None = None) -> IntentClassifier:
    """The process's classifier, built by the first call (`load_or_train(cache_dir)`); later
    calls return it whatever their `cache_dir`."""
    if not _shared:
        with _lock:
            if not _shared:
                _shared.append(IntentClassifier(load_or_train(cache_dir)))
    return _shared[0]


def bundled_model() -> Path:
    """Where `bundle` puts the model for the current training data and code."""
    return BUNDLED_DIR / f"{CACHE_PREFIX}{intent_model.source_key()}.npz"


def bundle() -> Path:
    """Train the model into the install itself (the image build runs this), replacing older ones."""
    path = bundled_model()
    intent_model.save(intent_model.train(load_examples()), path)
    path.chmod(0o644)  # the install belongs to root, the service runs as another user
    for stale in BUNDLED_DIR.glob(f"{CACHE_PREFIX}*.npz"):
        if stale != path:
            stale.unlink()
    return path


def load_or_train(cache_dir: Path | None) -> TrainedModel:
    """The model bundled with the install for the current data and code, else the one cached
    in `cache_dir`, else a new one (then cached there, replacing older ones). Without
    `cache_dir` and nothing bundled, always a new one."""
    if bundled_model().is_file():
        return intent_model.load(bundled_model())
    if cache_dir is None:
        return intent_model.train(load_examples())
    path = cache_dir / f"{CACHE_PREFIX}{intent_model.cache_key()}.npz"
    try:
        return intent_model.load(path)
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):
        pass  # not cached yet, or unreadable (say, cut short by a full disk): train again
    trained = _trained_apart(path)
    if trained is not None:
        model = trained
    else:
        model = intent_model.train(load_examples())
        with contextlib.suppress(OSError):  # a read-only disk costs the next start a training
            intent_model.save(model, path)
    with contextlib.suppress(OSError):
        for stale in cache_dir.glob(f"{CACHE_PREFIX}*.npz"):
            if stale != path:
                stale.unlink(missing_ok=True)
    return model


def train_into(path: Path) -> None:
    """Train on the bundled examples and save the model at `path` (`_trained_apart`'s child)."""
    intent_model.save(intent_model.train(load_examples()), path)


def _trained_apart(path: Path) -> TrainedModel | None:
    """Train in a child process that saves the model at `path`, then load it here.

    Training imports scikit-learn and holds the examples and their matrices, ~100 MB that a
    process serving for days would keep (freed memory is rarely given back to the system):
    the child takes that peak and exits. None when the child failed (say, the disk is
    read-only): the caller trains in this process instead.
    """
    child = [sys.executable, "-c", _TRAIN_INTO, str(path)]
    if subprocess.run(child, check=False).returncode != 0:  # noqa: S603 - our own interpreter
        return None
    try:
        return intent_model.load(path)
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):
        return None


_TRAIN_INTO = (
    "import sys, pathlib; from hotel_agent.nlu.intents import train_into; "
    "train_into(pathlib.Path(sys.argv[1]))"
)
