"""Cross-validation on the training data: how the classifier's constants are chosen.

The held-out evaluation set (tests/data/nlu/intents_eval.yaml) only measures; what is tuned
(intent_model.SVM_C, intents.TEMPERATURE, intents.UNKNOWN_BELOW) is tuned here, on folds of the
training examples. Scores are the models' alone: the rule layer is left out, so short forms
count against the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hotel_agent.nlu import intent_model
from hotel_agent.nlu.intents import IntentClassifier, probabilities
from hotel_agent.nlu.text import normalize
from hotel_agent.nlu.training_data import Example
from hotel_agent.nlu.types import Intent

TEMPERATURES = tuple(round(0.05 + 0.01 * step, 2) for step in range(96))  # 0.05 … 1.00
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


@dataclass(frozen=True)
class ThresholdOutcome:
    threshold: float
    unknown_share: float  # messages the threshold turns into "unknown"
    accuracy: float  # intent accuracy with the threshold applied


@dataclass(frozen=True)
class CrossValidation:
    folds: int
    intent_accuracy: float
    topic_accuracy: float  # on FAQ examples, topic model alone
    temperature: float  # softmax temperature with the lowest log-loss
    log_loss: float
    calibration_error: float  # expected calibration error, 10 bins, at that temperature
    thresholds: tuple[ThresholdOutcome, ...]


def cross_validate(examples: Sequence[Example], *, folds: int = 5) -> CrossValidation:
    from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

    labels = [f"{example.intent}/{example.topic}" for example in examples]
    texts = [normalize(example.text) for example in examples]
    intent_names = sorted({example.intent.value for example in examples})
    truth = np.array([intent_names.index(example.intent.value) for example in examples])
    scores = np.zeros((len(examples), len(intent_names)))
    topic_hits: list[bool] = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(texts, labels):
        classifier = IntentClassifier(intent_model.train([examples[i] for i in train]))
        if list(classifier.intent_labels) != intent_names:
            raise ValueError("every intent needs examples in every fold")
        for i in test:
            scores[i], topic_scores = classifier.scores(texts[i])
            if examples[i].topic is not None:
                topic = classifier.topic_labels[int(topic_scores.argmax())]
                topic_hits.append(topic == examples[i].topic)
    losses = {t: _log_loss(probabilities(scores, t), truth) for t in TEMPERATURES}
    temperature = min(losses, key=losses.__getitem__)
    calibrated = probabilities(scores, temperature)
    predicted = calibrated.argmax(axis=1)
    confidence = calibrated.max(axis=1)
    unknown = intent_names.index(Intent.UNKNOWN.value)
    return CrossValidation(
        folds=folds,
        intent_accuracy=float((predicted == truth).mean()),
        topic_accuracy=float(np.mean(topic_hits)),
        temperature=temperature,
        log_loss=losses[temperature],
        calibration_error=_calibration_error(confidence, predicted == truth),
        thresholds=tuple(
            ThresholdOutcome(
                threshold=threshold,
                unknown_share=float((confidence < threshold).mean()),
                accuracy=float(
                    (np.where(confidence < threshold, unknown, predicted) == truth).mean()
                ),
            )
            for threshold in THRESHOLDS
        ),
    )


def _log_loss(calibrated: np.ndarray, truth: np.ndarray) -> float:
    picked = calibrated[np.arange(len(truth)), truth]
    return float(-np.log(np.clip(picked, 1e-12, None)).mean())


def _calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Mean gap between confidence and accuracy, bin by bin, weighted by bin size."""
    edges = np.minimum((confidence * bins).astype(int), bins - 1)
    error = 0.0
    for edge in range(bins):
        members = edges == edge
        if members.any():
            gap = abs(float(correct[members].mean()) - float(confidence[members].mean()))
            error += gap * float(members.mean())
    return error


def report(result: CrossValidation) -> str:
    lines = [
        f"cross-validation on the training data ({result.folds} folds, models only):",
        f"  intent accuracy {result.intent_accuracy:.1%}, FAQ topic accuracy "
        f"{result.topic_accuracy:.1%}",
        f"  best softmax temperature {result.temperature} (log-loss {result.log_loss:.3f}, "
        f"calibration error {result.calibration_error:.3f})",
        "  unknown threshold: share turned unknown → intent accuracy",
    ]
    lines.extend(
        f"    {outcome.threshold:.2f}: {outcome.unknown_share:5.1%} → {outcome.accuracy:.1%}"
        for outcome in result.thresholds
    )
    return "\n".join(lines)
