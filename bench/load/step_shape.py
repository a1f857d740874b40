"""The stress test's load shape: guests added step by step until the agent breaks its SLO.

`bench/load/run.py stress` (`make stress-test`) passes it to locust beside the locustfile
(`-f bench/load/locustfile.py,bench/load/step_shape.py`); a shape found in a locustfile would
take over every run, so it lives in a file of its own.
"""

from __future__ import annotations

import json
import os

from locust import LoadTestShape


class StepUntilBreach(LoadTestShape):
    """Add LOAD_STEP_USERS guests every LOAD_STEP_SECONDS until a step's error rate exceeds
    1 % or the p95 of one of its requests exceeds LOAD_P95_LIMIT_MS (300), or LOAD_MAX_USERS
    is reached. Each finished step is appended as a JSON line to LOAD_STEPS_FILE: the knee is
    the last step within the limits."""

    use_common_options = True

    def __init__(self) -> None:
        super().__init__()
        self.step_users = int(os.environ.get("LOAD_STEP_USERS", "10"))
        self.step_seconds = float(os.environ.get("LOAD_STEP_SECONDS", "30"))
        self.max_users = int(os.environ.get("LOAD_MAX_USERS", "200"))
        self.p95_limit = float(os.environ.get("LOAD_P95_LIMIT_MS", "300"))
        self.steps_file = os.environ.get("LOAD_STEPS_FILE")
        self.step = 0
        self.breached = False

    def tick(self) -> tuple[int, float] | None:
        if self.breached:
            return None
        step = int(self.get_run_time() // self.step_seconds)
        if step != self.step:
            self.breached = self._close_step(self.step)
            self.step = step
            if self.breached or (step + 1) * self.step_users > self.max_users:
                return None
        users = (self.step + 1) * self.step_users
        return users, float(self.step_users)

    def _close_step(self, step: int) -> bool:
        """Judge the step that just ended on its own requests, record it, start afresh."""
        stats = self.runner.stats
        # The agent's HTTP answers are judged on p95; the REPLY rows (time until a guest saw
        # the reply) count for errors only: a wrong or missing reply is a failure.
        http = [e for (_name, kind), e in stats.entries.items() if kind != "REPLY"]
        requests = sum(e.num_requests for e in stats.entries.values())
        failures = sum(e.num_failures for e in stats.entries.values())
        fail_ratio = failures / requests if requests else 0.0
        p95 = max((e.get_response_time_percentile(0.95) or 0.0 for e in http), default=0.0)
        record = {
            "step": step,
            "users": (step + 1) * self.step_users,
            "requests": requests,
            "failures": failures,
            "fail_ratio": round(fail_ratio, 4),
            "requests_per_s": round(sum(e.total_rps for e in http), 2),
            "p95_ms": p95,
            "by_name": {
                name: {
                    "type": kind,
                    "requests": entry.num_requests,
                    "failures": entry.num_failures,
                    "p95_ms": entry.get_response_time_percentile(0.95),
                }
                for (name, kind), entry in stats.entries.items()
            },
        }
        breached = fail_ratio > 0.01 or p95 > self.p95_limit
        record["within_limits"] = not breached
        if self.steps_file:
            with open(self.steps_file, "a") as out:
                out.write(json.dumps(record) + "\n")
        stats.reset_all()
        return breached
