"""Diez conversaciones en español como se escriben por WhatsApp en Latinoamérica: sin tildes,
con faltas, "q", "x", "xfa", "finde", voseo rioplatense y usos mexicanos, varias respuestas en
un mensaje y cambios de opinión. Escritas para este proyecto (no vienen de ningún corpus; ver
README.md); se juzgan por la reserva que queda en el PMS, o por la respuesta cuando no debe
haber reserva.
"""

from __future__ import annotations

import httpx
import pytest

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import Guest
from tests.integration.dialogue.public_phrasing.talk import Talk, play

TALKS = {
    "rioplatense": Talk(  # voseo, todo en un mensaje
        "own: Argentina, voseo",
        (
            "hola che, tenes lugar del {in_es} al {out_d}? somos 2",
            "la mas barata dale",
            "Juli Perez, {email}",
            "dale, confirmame",
        ),
        days_ahead=40,
        nights=3,
        adults=2,
        room_type="DBL",
    ),
    "mexicano": Talk(  # "quisiera", "ahorita", "órale", cambio de noches
        "own: México",
        (
            "buenas tardes, quisiera reservar un cuarto xfa",
            "llegamos el {in_es} y nos quedamos 3 noches, somos mi esposo y yo",
            "orale, la 1",
            "mejor solo 2 noches",
            "Lupita Hernandez {email}",
            "si, adelante",
        ),
        days_ahead=42,
        nights=3,
        booked_nights=2,
        adults=2,
    ),
    "sin_tildes": Talk(  # sin tildes ni mayúsculas, fechas con "x"
        "own: sin tildes",
        (
            "hola q tal, necesito habitacion x 2 noches desde el {in_es}",
            "vamos 3 adultos",
            "la familiar",
            "soy martin gomez, mi mail es {email}",
            "si",
        ),
        days_ahead=44,
        nights=2,
        adults=3,
        room_type="FAM",
    ),
    "finde": Talk(  # "el finde del ...": las fechas dichas mandan
        "own: finde",
        (
            "hay lugar pal finde del {in_es} al {out_d}?? seriamos 2",
            "cuanto sale la suite?",
            "ok la suite",
            "Caro Diaz {email}",
            "sip",
        ),
        days_ahead=46,
        nights=2,
        adults=2,
        room_type="STE",
    ),
    "cambio_de_gente": Talk(  # primero 2, después 3: cambia de opinión
        "own: cambio de opinión (personas)",
        (
            "q onda, quiero reservar del {in_es} al {out_d} para 2",
            "ah no perdon, al final somos 3",
            "la 1 xfa",
            "Nico Ruiz, {email}",
            "si confirmo",
        ),
        days_ahead=48,
        nights=2,
        adults=3,
        room_type="FAM",
    ),
    "cambio_de_fechas": Talk(  # otra fecha de llegada en el resumen
        "own: cambio de opinión (fechas)",
        (
            "hola!! una hab doble del {in_es} al {out_d} xfa, 2 personas",
            "la doble estandar",
            "Sofi Lopez {email}",
            "uy no, mejor llegamos el {in_plus1_d}",
            "si dale",
        ),
        days_ahead=50,
        nights=3,
        moved=1,
        booked_nights=3,  # a new arrival alone keeps the nights
        adults=2,
        room_type="DBL",
    ),
    "faltas": Talk(  # faltas de ortografía: "abitacion", "kiero", "nesesito"
        "own: faltas",
        (
            "ola kiero una abitacion pa 2 personas",
            "del {in_es} al {out_d}",
            "la primera",
            "nesesito q este a nombre de Kevin Rojas, {email}",
            "siii",
        ),
        days_ahead=52,
        nights=2,
        adults=2,
    ),
    "dos_habitaciones": Talk(  # dos cuartos, cuatro adultos, todo junto
        "own: grupo",
        (
            "buenas, necesito 2 habitaciones para 4 adultos desde el {in_es}, 2 noches",
            "la mas economica",
            "Vicky Torres {email}",
            "si",
        ),
        days_ahead=54,
        nights=2,
        adults=4,
        rooms=2,
    ),
    "pregunta_y_no": Talk(  # pregunta el precio y se va sin reservar
        "own: consulta sin reserva",
        (
            "hola cuanto sale una noche del {in_es} al {out_d}? somos 2",
            "uh esta caro, mejor no, gracias",
        ),
        days_ahead=56,
        nights=1,
        adults=None,
        reply="no te reservo nada",  # acknowledged, not the list again; nothing booked
    ),
    "solo_yo": Talk(  # una persona sola, "nomas"
        "own: una persona",
        (
            "hola, una individual para mi nomas del {in_es} al {out_d}",
            "la 1",
            "Pame Castro, {email}",
            "si porfa",
        ),
        days_ahead=58,
        nights=2,
        adults=1,
        room_type="IND",
    ),
}


@pytest.mark.parametrize("conversation", sorted(TALKS))
async def test_conversacion_estilo_whatsapp(
    client: httpx.AsyncClient, runtime: Runtime, conversation: str
) -> None:
    await play(Guest(client), runtime, TALKS[conversation], f"wa.{conversation}@example.com")
