"""A real IMAP server for tests: Debian's dovecot (`apt-get install dovecot-imapd`), run as a
throw-away instance — its own configuration, mail and sockets in a temporary directory (not
under pytest's tmp_path: as root, dovecot's mail user must be able to reach it), a
free port on 127.0.0.1, one mailbox — and stopped after the test. Mail "arrives" by an IMAP
APPEND, as a delivery agent would leave it:

    with ImapServer.start() as imap:
        imap.deliver(raw_bytes)
        ... settings.imap = imap.settings() ...
        assert imap.seen() == [...]

Given a `Certificate` it also speaks TLS: STARTTLS on that port and TLS from the first byte
(IMAPS) on `tls_port`; `settings(tls=...)` picks the port the mode needs.

Without the binary the test is skipped with the reason (failed on CI, which installs it).
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from hotel_agent.settings import ImapSettings, SmtpTls
from tests.fakes.mail_server import Certificate
from tests.support import free_port, server_missing

DOVECOT = "/usr/sbin/dovecot"
USER = "reservas@hotel-prueba.example"
PASSWORD = "imap-test-secret"  # pragma: allowlist secret


def _config(root: Path, port: int, tls_port: int, certificate: Certificate | None) -> str:
    # As root (CI, containers) dovecot runs its helpers as the users its package made;
    # otherwise everything runs as the user running the tests.
    if os.geteuid() == 0:
        internal, login, mail = "dovecot", "dovenull", pwd.getpwnam("dovecot")
    else:
        me = pwd.getpwuid(os.geteuid()).pw_name
        internal, login, mail = me, me, pwd.getpwuid(os.geteuid())
    # "yes", not "required": the plain port keeps taking logins (the fixture's own client).
    ssl = "no"
    if certificate is not None:
        ssl = f"yes\nssl_cert = <{certificate.cert}\nssl_key = <{certificate.key}"
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = {ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
first_valid_uid = {mail.pw_uid}
last_valid_uid = {mail.pw_uid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail.pw_uid} gid={mail.pw_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


class ImapServer:
    def __init__(self, certificate: Certificate | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.certificate = certificate
        self.port = free_port()
        self.tls_port = free_port() if certificate else 0  # 0: no IMAPS listener
        self._process: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls, certificate: Certificate | None = None) -> ImapServer:
        server = cls(certificate)
        server.run()
        return server

    def run(self) -> None:
        """Start dovecot (a server made but not started is an outage, on a known port)."""
        if not Path(DOVECOT).exists():
            server_missing("Debian's dovecot", f"no {DOVECOT}: apt-get install dovecot-imapd")
        try:
            self._run()
        except BaseException:
            self.stop()
            raise

    def _run(self) -> None:
        root = self.root
        for name in ("run", "state", "mail", "home"):
            (root / name).mkdir(parents=True, exist_ok=True)
        (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        config = root / "dovecot.conf"
        config.write_text(_config(root, self.port, self.tls_port, self.certificate))
        if os.geteuid() == 0:
            # The mail user (dovecot) writes the maildir and home under the test's directory.
            for path in [root, *root.iterdir()]:
                shutil.chown(path, "dovecot", "dovecot")
            (root / "users").chmod(0o644)
        with (root / "stderr.log").open("wb") as stderr:  # dovecot keeps its own copy
            self._process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=stderr
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self._log()}")
            try:
                with self.client():
                    return
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not answer: {self._log()}")

    def _log(self) -> str:
        logs = [self.root / "dovecot.log", self.root / "stderr.log"]
        return "\n".join(log.read_text(errors="replace") for log in logs if log.exists())

    def settings(self, tls: SmtpTls = SmtpTls.NONE, **overrides: Any) -> ImapSettings:
        """The poller's settings for this mailbox; with TLS, trusting no CA but the system's
        unless `ca_file` is given."""
        no_env: dict[str, Any] = {"_env_file": None}
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.tls_port if tls is SmtpTls.TLS else self.port,
            "username": USER,
            "password": PASSWORD,
            "tls": tls,
            "poll_seconds": 5,
            "timeout_seconds": 5,
            **overrides,
        }
        return ImapSettings(**no_env, **values)

    def client(self) -> imaplib.IMAP4:
        """A logged-in client of the test's own (the guest's mail server, staff's mail app)."""
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=5)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Leave one e-mail, unseen, in the folder."""
        with self.client() as client:
            status, data = client.append(folder, "", None, raw)
            assert status == "OK", data

    def flags(self, folder: str = "INBOX") -> list[str]:
        """Every message's flags, in order."""
        with self.client() as client:
            client.select(folder, readonly=True)
            status, data = client.fetch("1:*", "(FLAGS)")
            if status != "OK" or data == [None]:
                return []
            return [item.decode() for item in data if isinstance(item, bytes)]

    def mark_all_unseen(self, folder: str = "INBOX") -> None:
        """As if someone (staff's mail app) marked every message unread again."""
        with self.client() as client:
            client.select(folder)
            client.store("1:*", "-FLAGS", "(\\Seen)")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ImapServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
