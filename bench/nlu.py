"""NLU benchmark: understanding latency per message, what a cold start costs, CLI start-up.

1. latency: `Understander.understand` on the training messages of both languages (shuffled,
   fixed seed) after a warm-up, then each stage alone (language, intent, entities) on the same
   messages, then 5,000-character messages; milliseconds per message.
2. cold start, in this process: importing scikit-learn (0 when already imported), training the
   intent models, writing and reading the model cache, the language model on first detection.
3. `hotel-agent nlu ok` as a new process: with an empty model cache (imports scikit-learn and
   trains) and with the cache filled, next to `import hotel_agent.cli` alone, which every
   `hotel-agent` command pays.

Figures are printed as JSON, never asserted.

    .venv/bin/python bench/nlu.py [--quick]
"""

from __future__ import annotations

import importlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _common import main, progress, summary
from hotel_agent.nlu import intent_model
from hotel_agent.nlu.entities import extract_entities
from hotel_agent.nlu.intents import IntentClassifier
from hotel_agent.nlu.language import detect_language
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.nlu.text import for_models
from hotel_agent.nlu.training_data import load_examples

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=ZoneInfo("Europe/Madrid"))
LONG_MESSAGE = (
    "Buenas tardes, les escribo porque el aire acondicionado de la habitación no funciona "
    "y además hay mucho ruido por la noche; queremos cambiar de habitación cuanto antes. "
) * 30  # about 5,000 characters


def run(*, quick: bool = False) -> dict[str, Any]:
    progress("nlu: cold start in this process")
    cold = cold_start()
    progress("nlu: latency per message")
    latency = latency_per_message(quick=quick)
    progress("nlu: CLI start-up")
    cli = cli_startup(runs=2 if quick else 4)
    return {
        # Other processes on the machine slow everything down: compare runs with similar loads.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cold_start": cold,
        "latency": latency,
        "cli_startup_seconds": cli,
    }


def cold_start() -> dict[str, Any]:
    started = time.perf_counter()
    for module in ("sklearn.feature_extraction.text", "sklearn.svm"):  # what training imports
        importlib.import_module(module)
    imported = time.perf_counter() - started
    examples = load_examples()
    started = time.perf_counter()
    model = intent_model.train(examples)
    trained = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as directory:
        path = Path(directory) / "model.npz"
        started = time.perf_counter()
        intent_model.save(model, path)
        saved = time.perf_counter() - started
        started = time.perf_counter()
        intent_model.load(path)
        loaded = time.perf_counter() - started
        size = path.stat().st_size
    started = time.perf_counter()
    detect_language("the first message trains the language model", previous=None, default="es")
    language_model = time.perf_counter() - started
    return {
        "training_examples": len(examples),
        "features": len(model.vocabulary),
        "sklearn_import_seconds": round(imported, 3),
        "train_seconds": round(trained, 3),
        "cache_save_seconds": round(saved, 3),
        "cache_load_seconds": round(loaded, 3),
        "cache_bytes": size,
        "language_model_first_detection_seconds": round(language_model, 3),
    }


def latency_per_message(*, quick: bool) -> dict[str, Any]:
    texts = [example.text for example in load_examples()]
    random.Random(0).shuffle(texts)
    texts = texts[:400] if quick else texts
    classifier = IntentClassifier(intent_model.train(load_examples()))
    understander = Understander(classifier)
    for text in texts[:100]:  # warm-up: the language model, Duckling, caches
        understander.understand(text, now=NOW)
    stages: dict[str, Callable[[str], object]] = {
        "understand": lambda text: understander.understand(text, now=NOW),
        "language": lambda text: detect_language(text, previous=None, default="es"),
        "intent": classifier.classify,
        "entities": lambda text: extract_entities(text, language="es", now=NOW),
    }
    figures: dict[str, Any] = {"messages": len(texts)}
    for name, stage in stages.items():
        figures[f"{name}_ms"] = summary(_timed(stage, texts))
    long_texts = [LONG_MESSAGE] * (20 if quick else 100)
    figures["understand_5000_chars_ms"] = summary(
        _timed(lambda text: understander.understand(text, now=NOW), long_texts)
    )
    figures["model_reads_chars"] = len(for_models(LONG_MESSAGE))
    return figures


def _timed(stage: Callable[[str], object], texts: list[str]) -> list[float]:
    latencies: list[float] = []
    for text in texts:
        started = time.perf_counter()
        stage(text)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def cli_startup(*, runs: int) -> dict[str, Any]:
    """Wall time of new processes, as an operator would run them (the first with no cache)."""
    with tempfile.TemporaryDirectory(prefix="bench-nlu-cli-") as directory:
        env = {**os.environ, "DATA_DIR": str(Path(directory) / "data"), "LOG_LEVEL": "WARNING"}
        command = [sys.executable, "-m", "hotel_agent", "nlu", "ok"]
        cold = _wall(command, env, directory)
        warm = [_wall(command, env, directory) for _ in range(runs)]
        imports = [
            _wall([sys.executable, "-c", "import hotel_agent.cli"], env, directory)
            for _ in range(runs)
        ]
    return {
        "nlu_empty_cache": round(cold, 2),
        "nlu_cached_model_median": round(statistics.median(warm), 2),
        "import_hotel_agent_cli_median": round(statistics.median(imports), 2),
    }


def _wall(command: list[str], env: dict[str, str], cwd: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - started


if __name__ == "__main__":
    main(run, __doc__.splitlines()[0])
