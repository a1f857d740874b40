"""Training the intent and FAQ-topic models, and keeping the result as plain arrays.

Features: TF-IDF over character 2–5-grams inside words (typos, inflections, missing accents)
and word uni- and bigrams (phrasing), in one vocabulary. Models: linear SVMs (scikit-learn
LinearSVC, classes balanced), whose scores `intents.probabilities` turns into probabilities.

Why an SVM with a softmax temperature, not logistic regression: cross-validated on our training
data both reach the same accuracy, but the intent SVM fits in about 0.3 s where logistic
regression (lbfgs, ~27k features × 13 classes) takes about 7 s on the same data, and training
happens at first use. One temperature, fitted to cross-validated scores (`cross_validation`),
calibrates every class (expected calibration error under 0.02); CalibratedClassifierCV would
instead hold out part of the few examples each class has, and lost 2 points of accuracy.

A trained model is only arrays (vocabulary, idf, weights), so scoring needs numpy alone, and
it can be cached on disk as .npz (no pickle: loading runs no code). The cache key hashes the
training data, this module and scikit-learn's version, so any change retrains.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hotel_agent.nlu.text import normalize, words
from hotel_agent.nlu.training_data import LANGUAGES, Example

# Chosen by 5-fold cross-validation on the training data (never on the evaluation set):
# `python -m hotel_agent.nlu.evaluate --cross-validate` recomputes them.
SVM_C = 2.0
RANDOM_STATE = 0


def ngrams(text: str) -> list[str]:
    """The features of a normalized text: char_wb 2–5-grams, then word 1–2-grams (of letters:
    numbers are slots for the entities, not signs of an intent)."""
    features: list[str] = []
    for word in text.split():
        padded = f" {word} "
        for size in range(2, 6):
            features.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    tokens = words(text)
    features.extend(f"w:{token}" for token in tokens)
    features.extend(f"w:{first} {second}" for first, second in itertools.pairwise(tokens))
    return features


@dataclass(frozen=True)
class LinearModel:
    labels: tuple[str, ...]
    weights: NDArray[np.float64]  # features × labels
    bias: NDArray[np.float64]  # labels


@dataclass(frozen=True)
class TrainedModel:
    vocabulary: tuple[str, ...]  # feature names, in column order
    idf: NDArray[np.float64]
    intents: LinearModel
    topics: LinearModel  # trained on the FAQ examples only


def train(examples: Sequence[Example]) -> TrainedModel:
    """Fit the vectorizer and both SVMs (deterministic for a given example order)."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    except ImportError as exc:
        raise RuntimeError(
            "training the intent model needs scikit-learn, which this install leaves out: it "
            "runs the model trained when it was built (hotel_agent/nlu/bundled), and that model "
            "is missing or does not match the code; rebuild the image or install scikit-learn"
        ) from exc

    vectorizer = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True)
    matrix = vectorizer.fit_transform([normalize(example.text) for example in examples])
    faq_rows = [i for i, example in enumerate(examples) if example.topic is not None]
    return TrainedModel(
        vocabulary=tuple(vectorizer.get_feature_names_out()),
        idf=vectorizer.idf_,
        intents=_fit_svm(matrix, [example.intent.value for example in examples]),
        topics=_fit_svm(matrix[faq_rows], [str(examples[i].topic) for i in faq_rows]),
    )


def _fit_svm(matrix: object, labels: Sequence[str]) -> LinearModel:
    from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

    svm = LinearSVC(C=SVM_C, class_weight="balanced", random_state=RANDOM_STATE)
    svm.fit(matrix, labels)
    return LinearModel(
        labels=tuple(str(label) for label in svm.classes_),
        weights=np.ascontiguousarray(svm.coef_.T, dtype=np.float64),
        bias=np.asarray(svm.intercept_, dtype=np.float64),
    )


def cache_key() -> str:
    """Changes whenever the trained model could: training data, this module, scikit-learn."""
    return _key(_trainer_version())


def source_key() -> str:
    """Changes with the training data or this module: the key of a model trained when the
    install was built (`intents.bundle`), which no other scikit-learn can retrain."""
    return _key("")


def _key(trainer: str) -> str:
    digest = hashlib.sha256(trainer.encode())
    digest.update(Path(__file__).read_bytes())
    data = resources.files("hotel_agent.nlu") / "data"
    for language in LANGUAGES:
        digest.update((data / f"intents_{language}.yaml").read_bytes())
    return digest.hexdigest()[:16]


def _trainer_version() -> str:
    try:
        return metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return "none"  # a runtime-only install (the container image): `train` says so


def save(model: TrainedModel, path: Path) -> None:
    """Write atomically, so a concurrent reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {
        "vocabulary": np.array(model.vocabulary, dtype=np.str_),
        "idf": model.idf,
        **_arrays("intents", model.intents),
        **_arrays("topics", model.topics),
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez_compressed(file, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path) -> TrainedModel:
    with np.load(path, allow_pickle=False) as arrays:
        return TrainedModel(
            vocabulary=tuple(arrays["vocabulary"].tolist()),
            idf=arrays["idf"],
            intents=_linear_model("intents", arrays),
            topics=_linear_model("topics", arrays),
        )


def _arrays(name: str, model: LinearModel) -> dict[str, NDArray[np.generic]]:
    return {
        f"{name}_labels": np.array(model.labels, dtype=np.str_),
        f"{name}_weights": model.weights,
        f"{name}_bias": model.bias,
    }


def _linear_model(name: str, arrays: np.lib.npyio.NpzFile) -> LinearModel:
    return LinearModel(
        labels=tuple(arrays[f"{name}_labels"].tolist()),
        weights=arrays[f"{name}_weights"],
        bias=arrays[f"{name}_bias"],
    )
