"""The console's hotel knowledge on both databases, with the real dialogue engine: an
administrator's edit of a FAQ answer, previewed as a diff and saved, is what the bot answers
on the guest's next question, in a worker process other than the console's (no restart); an
edit the knowledge file's schema refuses saves nothing; staff members may only read; an
administrator of one hotel edits that hotel's answers only."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from sqlalchemy import select

from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.db.models import FaqAnswerEdit, Hotel, StaffAuditEntry, StaffRole
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from tests.integration.staff.helpers import staff_settings
from tests.integration.staff.test_api import say
from tests.integration.staff.test_console import PASSWORD, MakeRuntime, csrf_of, log_in
from tests.integration.staff.test_console_hotels import second_hotel
from tests.support import asgi_client

WIFI_ES = "El wifi es gratis. La red nueva se llama «Mirador-5G» y la clave está en recepción."
QUESTION = "¿Tenéis wifi?"


@pytest.fixture
async def console(database_url: str, make_runtime: MakeRuntime) -> Runtime:
    """A console process (serves HTTP, runs no turns) beside a worker process (runs the turns)
    on one database, each with its own knowledge, as `serve` and `worker` are deployed; with
    the administrator "admin" and the staff member "marta"."""
    console = await make_runtime(staff_settings(database_url))
    worker = await make_runtime(staff_settings(database_url))
    worker.start_background()
    await accounts.create_user(console.sessions, "admin", PASSWORD, StaffRole.ADMIN)
    await accounts.create_user(console.sessions, "marta", PASSWORD, StaffRole.STAFF)
    return console


async def preview(http: httpx.AsyncClient, entry: str, **answers: str) -> httpx.Response:
    token = await csrf_of(http, f"/staff/knowledge/{entry}")
    data = {"csrf_token": token, **{f"answer_{lang}": text for lang, text in answers.items()}}
    return await http.post(f"/staff/knowledge/{entry}/preview", data=data)


def save_form(previewed: httpx.Response) -> dict[str, str]:
    """The hidden fields of the preview's save form (the previewed words and version)."""
    [form] = re.findall(r'<form[^>]*id="save-form".*?</form>', previewed.text, re.S)
    fields = re.findall(r'name="([a-z_]+)" value="([^"]*)"', form)
    return {name: html.unescape(value) for name, value in fields}


async def edits(runtime: Runtime) -> tuple[int, list[tuple[str, str, str, str]]]:
    async with runtime.sessions() as session:
        version = await session.scalar(select(Hotel.knowledge_version))
        rows = await session.scalars(select(FaqAnswerEdit).order_by(FaqAnswerEdit.id))
        return int(version or 0), [(r.entry_id, r.language, r.answer, r.edited_by) for r in rows]


async def faq_audit(runtime: Runtime) -> list[tuple[str, dict[str, object]]]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            select(StaffAuditEntry).where(StaffAuditEntry.action == "faq_edit")
        )
        return [(r.username, r.detail) for r in rows]


async def test_an_edited_answer_is_the_bots_next_answer_without_a_restart(console: Runtime) -> None:
    async with asgi_client(console) as http:
        [before] = await say(http, QUESTION)
        assert "MiradorPuerto-Guest" in before  # the knowledge file's answer

        await log_in(http, username="admin")
        page = await http.get("/staff/knowledge?lang=en")
        assert page.status_code == 200
        assert 'href="/staff/knowledge/wifi"' in page.text
        assert "MiradorPuerto-Guest" in page.text

        previewed = await preview(http, "wifi", es=WIFI_ES, en="")
        assert previewed.status_code == 200, previewed.text
        # The word diff: the file's words struck out, the new ones inserted; English blanked.
        assert "<ins>" in previewed.text and "Mirador-5G" in previewed.text
        assert re.search(r"<del>[^<]*MiradorPuerto-Guest", previewed.text)
        assert await edits(console) == (0, [])  # a preview saves nothing

        form = save_form(previewed)
        assert form["answer_es"] == WIFI_ES
        saved = await http.post("/staff/knowledge/wifi", data=form)
        assert (saved.status_code, saved.headers["location"]) == (
            303,
            "/staff/knowledge?saved=wifi#wifi",
        )
        version, rows = await edits(console)
        assert version == 1
        assert rows == [("wifi", "es", WIFI_ES, "admin"), ("wifi", "en", "", "admin")]

        # The worker process, which answered before the edit, answers with it now.
        assert await say(http, QUESTION) == [WIFI_ES]
        # English is left unwritten: an English guest gets the Spanish answer.
        assert await say(http, "Do you have wifi?", session=new_session_id()) == [WIFI_ES]

        [(who, detail)] = await faq_audit(console)
        assert who == "admin"
        assert detail["entry"] == "wifi"
        changes = detail["changes"]
        assert isinstance(changes, dict)
        assert changes["es"]["after"] == WIFI_ES
        assert "MiradorPuerto-Guest" in changes["es"]["before"]
        audit_page = await http.get("/staff/audit?lang=en")
        assert "edited a FAQ answer" in audit_page.text
        listed = await http.get("/staff/knowledge?lang=en&saved=wifi")
        assert "Edited by admin on" in listed.text

        # Writing the file's words back is going back to the file: the edit row goes.
        back = await preview(http, "wifi", es=changes["es"]["before"], en=changes["en"]["before"])
        assert (await http.post("/staff/knowledge/wifi", data=save_form(back))).status_code == 303
        assert await edits(console) == (2, [])
        assert "MiradorPuerto-Guest" in (await say(http, QUESTION))[0]


async def test_an_edit_the_schema_refuses_saves_nothing(console: Runtime) -> None:
    async with asgi_client(console) as http:
        await log_in(http, username="admin")
        refused = await preview(http, "wifi", es="  ", en="")
        assert refused.status_code == 422
        assert "no answer in any language" in refused.text
        assert "faq entry" in refused.text and "(wifi)" in refused.text
        assert 'id="save-form"' not in refused.text

        # Straight to the save, without the preview: refused the same way.
        token = await csrf_of(http, "/staff/knowledge/wifi")
        blank = {"csrf_token": token, "version": "0", "answer_es": "", "answer_en": ""}
        direct = await http.post("/staff/knowledge/wifi", data=blank)
        assert direct.status_code == 422
        assert "no answer in any language" in direct.text
        too_long = await http.post(
            "/staff/knowledge/wifi", data={**blank, "answer_es": "wifi " * 1000}
        )
        assert too_long.status_code == 422
        assert "at most 4096" in too_long.text

        unknown = {"csrf_token": token, "answer_es": "x"}
        assert (
            await http.post("/staff/knowledge/no-such/preview", data=unknown)
        ).status_code == 404
        assert (await http.get("/staff/knowledge/no-such")).status_code == 404
        bad_id = await http.post("/staff/knowledge/..%2Fetc/preview", data={"csrf_token": token})
        assert 400 <= bad_id.status_code < 500
        no_csrf = await http.post("/staff/knowledge/wifi", data={**blank, "csrf_token": "x"})
        assert no_csrf.status_code == 403

        assert await edits(console) == (0, [])
        assert await faq_audit(console) == []
        assert "MiradorPuerto-Guest" in (await say(http, QUESTION))[0]


async def test_staff_members_read_the_answers_but_cannot_edit_them(console: Runtime) -> None:
    async with asgi_client(console) as marta:
        await log_in(marta)
        page = await marta.get("/staff/knowledge?lang=en")
        assert page.status_code == 200
        assert "MiradorPuerto-Guest" in page.text
        assert "Only administrators can edit them." in page.text
        assert 'href="/staff/knowledge/wifi"' not in page.text
        assert (await marta.get("/staff/knowledge/wifi")).status_code == 403
        token = await csrf_of(marta, "/staff/knowledge")
        form = {"csrf_token": token, "version": "0", "answer_es": WIFI_ES, "answer_en": "x"}
        assert (await marta.post("/staff/knowledge/wifi/preview", data=form)).status_code == 403
        assert (await marta.post("/staff/knowledge/wifi", data=form)).status_code == 403
    assert await edits(console) == (0, [])


async def test_a_colleagues_save_in_between_is_not_overwritten_unseen(console: Runtime) -> None:
    await accounts.create_user(console.sessions, "elena", PASSWORD, StaffRole.ADMIN)
    async with asgi_client(console) as admin, asgi_client(console) as elena:
        await log_in(admin, username="admin")
        await log_in(elena, username="elena")
        mine = save_form(await preview(admin, "wifi", es=WIFI_ES))
        hers = save_form(await preview(elena, "wifi", es="Wifi gratis: pregunta en recepción."))
        assert (await elena.post("/staff/knowledge/wifi", data=hers)).status_code == 303
        late = await admin.post("/staff/knowledge/wifi?lang=en", data=mine)
        assert late.status_code == 409
        assert "a colleague changed the answers meanwhile" in late.text
    version, rows = await edits(console)
    assert (version, [r[2:] for r in rows]) == (
        1,
        [("Wifi gratis: pregunta en recepción.", "elena")],
    )


async def test_an_administrator_of_one_hotel_edits_that_hotels_answers_only(
    console: Runtime,
) -> None:
    """One knowledge file, edits per hotel: the other hotel's guests keep their answer."""
    playa = await second_hotel(console)
    await accounts.create_user(console.sessions, "rosa", PASSWORD, StaffRole.ADMIN, hotel_id=playa)
    async with asgi_client(console) as rosa:
        await log_in(rosa, username="rosa")
        page = await rosa.get("/staff/knowledge?lang=en")
        assert 'href="/staff/knowledge/wifi"' in page.text
        previewed = await preview(rosa, "wifi", es=WIFI_ES)
        assert (
            await rosa.post("/staff/knowledge/wifi", data=save_form(previewed))
        ).status_code == 303
        assert WIFI_ES in (await rosa.get("/staff/knowledge?lang=en")).text
    async with console.sessions() as session:
        rows = (await session.scalars(select(FaqAnswerEdit))).all()
        versions = dict((await session.execute(select(Hotel.id, Hotel.knowledge_version))).all())
    assert [(r.hotel_id, r.entry_id, r.answer, r.edited_by) for r in rows] == [
        (playa, "wifi", WIFI_ES, "rosa")
    ]
    centro = console.hotels.default_hotel_id
    assert versions == {centro: 0, playa: 1}
    # What each hotel's turns answer with (the engine asks for the turn's hotel's knowledge).
    playa_now = await console.knowledge.current(playa, versions[playa])
    centro_now = await console.knowledge.current(centro, versions[centro])
    [playa_wifi] = [e for e in playa_now.entries if e.id == "wifi"]
    [centro_wifi] = [e for e in centro_now.entries if e.id == "wifi"]
    assert playa_wifi.answers["es"] == WIFI_ES
    assert "MiradorPuerto-Guest" in centro_wifi.answers["es"]

    async with asgi_client(console) as admin:
        assert "MiradorPuerto-Guest" in (await say(admin, QUESTION))[0]  # the default hotel's
        await log_in(admin, username="admin")  # every hotel: the default hotel's answers
        page = await admin.get("/staff/knowledge?lang=en")
        assert "MiradorPuerto-Guest" in page.text
        assert WIFI_ES not in page.text


async def test_an_administrator_of_every_hotel_picks_whose_answers_to_edit(
    console: Runtime,
) -> None:
    """The hotel picked is in every link and form of the pages: its answers are shown,
    previewed against and saved; the default hotel's stay as they were."""
    playa = await second_hotel(console)
    centro = console.hotels.default_hotel_id
    async with asgi_client(console) as admin:
        await log_in(admin, username="admin")
        page = await admin.get("/staff/knowledge?lang=en")
        assert f'<option value="{centro}" selected>' in page.text  # nothing picked: default
        assert f'<option value="{playa}">Hotel Playa</option>' in page.text
        assert 'href="/staff/knowledge/wifi"' in page.text

        picked = await admin.get(f"/staff/knowledge?hotel={playa}&lang=en")
        assert f'<option value="{playa}" selected>Hotel Playa</option>' in picked.text
        assert f'href="/staff/knowledge/wifi?hotel={playa}"' in picked.text
        edit = await admin.get(f"/staff/knowledge/wifi?hotel={playa}&lang=en")
        assert "Hotel: Hotel Playa" in edit.text
        assert f'href="/staff/knowledge?hotel={playa}#wifi"' in edit.text
        [token] = re.findall(r'name="csrf_token" value="([^"]+)"', edit.text)[:1]
        previewed = await admin.post(
            "/staff/knowledge/wifi/preview",
            data={"csrf_token": token, "hotel": str(playa), "answer_es": WIFI_ES},
        )
        form = save_form(previewed)
        assert form["hotel"] == str(playa)
        saved = await admin.post("/staff/knowledge/wifi", data=form)
        assert saved.headers["location"] == f"/staff/knowledge?saved=wifi&hotel={playa}#wifi"
        assert WIFI_ES in (await admin.get(f"/staff/knowledge?hotel={playa}")).text
        assert WIFI_ES not in (await admin.get("/staff/knowledge")).text
    async with console.sessions() as session:
        rows = (await session.scalars(select(FaqAnswerEdit))).all()
    assert [(r.hotel_id, r.entry_id, r.answer, r.edited_by) for r in rows] == [
        (playa, "wifi", WIFI_ES, "admin")
    ]

    # A member of one hotel has nothing to pick, and asking for another hotel changes nothing.
    await accounts.create_user(console.sessions, "rosa", PASSWORD, StaffRole.ADMIN, hotel_id=playa)
    async with asgi_client(console) as rosa:
        await log_in(rosa, username="rosa")
        page = await rosa.get(f"/staff/knowledge?hotel={centro}")
        assert 'id="knowledge-hotel"' not in page.text
        assert WIFI_ES in page.text
