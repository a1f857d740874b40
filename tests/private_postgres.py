"""A PostgreSQL server of the test's own (initdb + pg_ctl on a temporary directory and a free
port), for fault tests that stop and start the server. The shared server is never touched."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port, server_missing

PG_BIN = Path(os.environ.get("TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


@dataclass
class PrivatePostgres:
    data_dir: Path
    port: int
    log_file: Path

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), *args],
            check=True,
            capture_output=True,
            timeout=60,
            **_as_postgres_user(),
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir} -c fsync=off"
        self._pg_ctl("-w", "-l", str(self.log_file), "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-w", "-m", mode, "stop")


def _as_postgres_user() -> dict[str, object]:
    """PostgreSQL refuses to run as root: drop to the `postgres` account when we are root."""
    if os.geteuid() != 0:
        return {}
    import pwd

    entry = pwd.getpwnam("postgres")
    return {"user": entry.pw_uid, "group": entry.pw_gid}


def create_private_postgres() -> PrivatePostgres:
    """initdb a fresh cluster in a new temporary directory and start it (trust auth, loopback
    only). `remove_private_postgres` stops it and deletes the directory."""
    if not (PG_BIN / "initdb").exists():
        server_missing("PostgreSQL binaries", f"no initdb in {PG_BIN}")
    base = Path(tempfile.mkdtemp(prefix="ha_private_pg_"))
    data_dir = base / "pgdata"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    subprocess.run(
        [
            str(PG_BIN / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
        timeout=120,
        **_as_postgres_user(),
    )
    server = PrivatePostgres(data_dir=data_dir, port=free_port(), log_file=base / "postgres.log")
    server.start()
    return server


def remove_private_postgres(server: PrivatePostgres) -> None:
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
        server.stop("immediate")
    shutil.rmtree(server.data_dir.parent, ignore_errors=True)
