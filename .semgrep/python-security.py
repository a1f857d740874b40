# Rule tests: `semgrep --test .semgrep/` checks each `ruleid:` line is found and each `ok:` is not.
import hmac
import os
import pickle
import ssl
import subprocess

import httpx
import jinja2
import sqlalchemy
import yaml


def cases(text, cmd, sig, body, key, table):
    # ruleid: yaml-unsafe-load
    yaml.load(text)
    # ok: yaml-unsafe-load
    yaml.load(text, Loader=yaml.SafeLoader)
    # ok: yaml-unsafe-load
    yaml.safe_load(text)
    # ruleid: subprocess-shell-true
    subprocess.run(cmd, shell=True)
    # ok: subprocess-shell-true
    subprocess.run(["ls", cmd])
    # ruleid: subprocess-shell-true
    os.system(cmd)
    # ruleid: eval-exec
    eval(text)
    # ruleid: pickle-load
    pickle.loads(body)
    # ruleid: tls-verify-disabled
    httpx.get("https://pms.example", verify=False)
    # ruleid: tls-verify-disabled
    ssl._create_unverified_context()
    # ok: tls-verify-disabled
    httpx.get("https://pms.example")
    # ruleid: sqlalchemy-text-formatted
    sqlalchemy.text(f"SELECT * FROM {table}")
    # ok: sqlalchemy-text-formatted
    sqlalchemy.text("SELECT * FROM rooms WHERE id = :id")
    # ruleid: hmac-compare-with-eq
    ok = sig == hmac.new(key, body, "sha256").hexdigest()
    # ok: hmac-compare-with-eq
    ok = hmac.compare_digest(sig, hmac.new(key, body, "sha256").hexdigest())
    # ruleid: jinja2-autoescape-off
    jinja2.Environment()
    # ok: jinja2-autoescape-off
    jinja2.Environment(autoescape=True)
    return ok
