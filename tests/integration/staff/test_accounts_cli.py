"""`hotel-agent staff create-user / set-password / disable-user`, on both databases: the
accounts they make are the ones the console's login accepts."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from hotel_agent.db.models import StaffUser
from hotel_agent.errors import Unauthorized
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from tests.integration.staff.helpers import staff_settings
from tests.integration.staff.test_cli import parse

MakeRuntime = Callable[..., Awaitable[Runtime]]


async def staff(runtime: Runtime, *argv: str, stdin: str = "") -> tuple[int, str]:
    from hotel_agent.cli import staff as staff_cli

    out = io.StringIO()
    code = await asyncio.to_thread(
        staff_cli.run, parse(*argv), runtime.settings, out, io.StringIO(stdin)
    )
    return code, out.getvalue()


async def test_create_set_password_and_disable_a_console_account(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(database_url, token=""))
    settings = runtime.settings.staff

    created = await staff(
        runtime,
        "create-user",
        "--username",
        "Marta",
        "--role",
        "admin",
        "--password-stdin",
        stdin="first passphrase\n",
    )
    assert created == (0, "created admin marta; sign in at /staff/login\n")
    async with runtime.sessions() as session:
        user = await session.scalar(select(StaffUser))
    assert user is not None
    assert (user.username, user.role) == ("marta", "admin")
    assert user.password_hash.startswith("$argon2id$"), "argon2id, never the password"
    login = await accounts.log_in(runtime.sessions, settings, "marta", "first passphrase")

    again = await staff(
        runtime, "create-user", "--username", "marta", "--password-stdin", stdin="x" * 12
    )
    assert again == (1, "error: the staff account 'marta' exists already\n")
    short = await staff(
        runtime, "create-user", "--username", "pablo", "--password-stdin", stdin="short\n"
    )
    assert short == (1, "error: the password must have at least 10 characters\n")

    changed = await staff(
        runtime, "set-password", "--username", "marta", "--password-stdin", stdin="second one!\n"
    )
    assert changed == (0, "new password for marta; their sessions have ended\n")
    async with runtime.sessions() as session:
        assert await accounts.session_for(session, login.token) is None
    with pytest.raises(Unauthorized):
        await accounts.log_in(runtime.sessions, settings, "marta", "first passphrase")
    await accounts.log_in(runtime.sessions, settings, "marta", "second one!")

    assert await staff(runtime, "disable-user", "--username", "marta") == (
        0,
        "disabled marta; their sessions have ended\n",
    )
    with pytest.raises(Unauthorized):
        await accounts.log_in(runtime.sessions, settings, "marta", "second one!")
    assert await staff(runtime, "disable-user", "--username", "nobody") == (
        1,
        "error: there is no staff account 'nobody'\n",
    )
