"""Raw e-mails into the inbound envelope: identity, dedupe id, thread, attachments, and the
mail that must never be answered (robots, ourselves)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from hotel_agent.channels.email.inbound import NotAGuestMessage, read_email

OURS = frozenset({"reservas@hotel.example"})


def mail(body: str = "Hola", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Ana Ruiz <Ana.Ruiz@Example.com>")
    message["To"] = "reservas@hotel.example"
    message["Subject"] = headers.pop("Subject", "Reserva")
    message["Message-ID"] = headers.pop("Message_ID", "<abc@example.com>")
    message["Date"] = "Sat, 05 Dec 2026 10:00:00 +0100"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def test_a_guest_email_becomes_an_inbound_message() -> None:
    message = read_email(
        bytes(mail("Quiero reservar\n\nEnviado desde mi iPhone", References="<a@x> <b@x>")),
        own_addresses=OURS,
    )
    assert message.channel == "email" and message.type == "text"
    assert message.sender_id == "ana.ruiz@example.com"  # the identity, lower-case
    assert message.sender_name == "Ana Ruiz"
    assert message.provider_message_id == "<abc@example.com>"
    assert message.text == "Quiero reservar"
    assert message.thread is not None
    assert message.thread.references == ["<a@x>", "<b@x>"]
    assert message.thread.subject == "Reserva"
    assert message.timestamp.utcoffset() is not None


def test_the_same_mail_read_twice_has_the_same_id_even_without_a_message_id() -> None:
    raw = bytes(mail())
    del_id = raw.replace(b"Message-ID: <abc@example.com>\n", b"")
    first = read_email(del_id, own_addresses=OURS)
    again = read_email(del_id, own_addresses=OURS)
    assert first.provider_message_id == again.provider_message_id
    assert first.provider_message_id.startswith("sha256:") and first.thread is None
    long_id = "<" + "x" * 300 + "@example.com>"
    assert (
        len(read_email(bytes(mail(Message_ID=long_id)), own_addresses=OURS).provider_message_id)
        < 255
    )


def test_reply_to_is_where_the_answer_goes() -> None:
    message = read_email(bytes(mail(Reply_To="Ana <ana@home.example>")), own_addresses=OURS)
    assert message.sender_id == "ana@home.example"


def test_html_only_mail_is_read_as_text_and_attachments_are_listed() -> None:
    message = EmailMessage()
    message["From"] = "tom@example.com"
    message["Message-ID"] = "<h@example.com>"
    message.set_content(
        "<p>Here&rsquo;s my <b>ID</b></p><blockquote>old</blockquote>", subtype="html"
    )
    message.add_attachment(b"\x89PNG....", maintype="image", subtype="png", filename="id.png")
    inbound = read_email(bytes(message), own_addresses=OURS)
    assert inbound.text == "Here’s my ID"
    assert [(a.filename, a.mime_type, a.size) for a in inbound.attachments] == [
        ("id.png", "image/png", 8)
    ]


def test_a_mail_with_only_a_subject_is_read_from_the_subject() -> None:
    message = read_email(bytes(mail("", Subject="Price for 2 nights in May?")), own_addresses=OURS)
    assert message.text == "Price for 2 nights in May?"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "auto_submitted"),
        ({"Auto_Submitted": "auto-generated"}, "auto_submitted"),
        ({"Precedence": "bulk"}, "bulk"),
        ({"X_Autoreply": "yes"}, "auto_reply"),
        ({"List_Id": "<offers.example.com>"}, "auto_reply"),
        ({"From": "MAILER-DAEMON@mx.example.com"}, "robot_sender"),
        ({"From": "postmaster@example.com"}, "robot_sender"),
        ({"From": "no-reply@booking.example"}, "robot_sender"),
        ({"Return_Path": "<>"}, "null_sender"),
        ({"From": "Hotel <Reservas@Hotel.example>"}, "own_address"),
        ({"From": "nobody"}, "no_sender"),
    ],
)
def test_robots_and_our_own_mail_are_never_answered(headers: dict[str, str], reason: str) -> None:
    with pytest.raises(NotAGuestMessage) as refused:
        read_email(bytes(mail(**headers)), own_addresses=OURS)
    assert refused.value.reason == reason


def test_a_delivery_report_is_not_a_guest_message() -> None:
    report = EmailMessage()
    report["From"] = "mail@mx.example.com"
    report["Message-ID"] = "<r@x>"
    report.set_content("Delivery failed")
    report.make_mixed()
    report.replace_header(
        "Content-Type", 'multipart/report; report-type=delivery-status; boundary="b"'
    )
    with pytest.raises(NotAGuestMessage):
        read_email(bytes(report), own_addresses=OURS)


def test_auto_submitted_no_is_a_person() -> None:
    assert read_email(bytes(mail(Auto_Submitted="no")), own_addresses=OURS).text == "Hola"
