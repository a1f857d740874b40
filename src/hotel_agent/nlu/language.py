"""Which language a guest writes in: Spanish or English.

A character n-gram model trained on the project's own Spanish and English examples reads
sentences well, but on one or two words it guesses. So short messages are decided by marker words
that only one language uses, messages with no letters ("👍", "2") and words both languages share
("ok", "wifi") keep the language we already knew, and a message with a fair share of marker words
from both languages ("Can I pay con tarjeta?") says nothing about the guest's preference either.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hotel_agent.nlu.entities.contact import EMAIL
from hotel_agent.nlu.text import normalize, words
from hotel_agent.nlu.training_data import load_examples

SUPPORTED = ("es", "en")

SHORT_WORDS = 3  # up to this many words, the model's guesses are not trusted alone
# The model's confidence needed to leave the language we knew: higher for short texts, where a
# couple of letters decide it.
SWITCH_SHORT = 0.85
SWITCH_LONG = 0.75
MIXED_SHARE = 0.25  # the smaller language has at least this share of the marker words

# Loanwords and names guests use in both languages: no evidence either way.
_SHARED = re.compile(
    r"\b(?:(?:late |early )?check ?-?(?:in|out)|room service|pet friendly|wi ?-?fi|ok|okay|okey"
    r"|hotel|parking|spa|gym|fitness|jacuzzi|sauna|buffet|minibar|suite|bar|taxi|email|online"
    r"|booking|bizum|paypal|visa|express|lol|jaja\w*|haha\w*)\b"
)


def _word_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Frequent words (accents dropped) that belong to one of the two languages only. Words both
# spell alike ("no", "me", "a", "he", "son", "come") are left out on purpose.
_SPANISH = _word_list(
    """
    el los las la lo un una unos unas de del al y o que en con por para es son esta estan estoy
    hay tiene tienen teneis tienes tengo tenemos quiero quisiera queria queremos puedo puede
    podemos podeis pueden puedes se su sus mi mis tu tus nos les le muy mas pero como cuando
    donde cual cuanto cuanta cuantos cuesta vale hola gracias adios si claro bueno buenas
    buenos buen dia dias tarde tardes noche noches habitacion habitaciones reserva reservar
    reservado desayuno precio cancelar anular cambiar fecha fechas personas adultos ninos manana
    hoy ayer semana finde porfa favor perfecto genial ya tambien hasta desde sin necesito somos
    vamos llegar llegamos salida entrada aparcamiento piscina gimnasio perro mascota mascotas
    tarjeta pagar efectivo agua caliente aire ducha bano cama llave puerta ruido limpieza toallas
    sabanas nada algo alguien todo este ese eso esto aqui ahora despues antes dos tres cuatro cinco
    hablar persona recepcion funciona hora horas quien chao luego pronto vemos mil muchas
    muchisimas usted ustedes vosotros nosotros ella pues entonces todavia porque asi bien
    mal mejor peor incluido hacer hace quiere estamos habeis tenia saludos acuerdo holi wenas
    chau dale correcto exacto esa esas esos eres soy aceptan aceptais admiten enviame mandame
    gustaria podria podrias tendria tendrian cuales nuestra nuestro vuestra vuestro oye xfa
    """
)
_ENGLISH = _word_list(
    """
    the an and or of to for with is are was were be been being have do does did can could would
    will should shall i im ive id you your youre we our us my it its this that there what when
    where which who how much many please pls thanks thank hi hello hey bye yes yeah yep yup sure
    room rooms book booked reservation breakfast price night nights cancel change dates people
    adults kids children tomorrow today tonight week weekend want wanna like need get at on in
    from by about not dont cant isnt doesnt any some anything someone here now later before after
    two three four five talk speak human working work broken dirty time free pool dog pets card
    pay cash money water hot air shower bathroom bed key door noise cleaning towels sheets nothing
    something anyone good morning afternoon evening see great perfect just also still very really
    so but if because well bad better worse let lets included arrive leave stay check thx ty
    plz np nope nah hiya correct never mind guys folks mate sorry wanna gonna whats thats
    theres wont didnt
    """
)


def detect_language(text: str, *, previous: str | None, default: str) -> str:
    """The language of a guest message, "es" or "en", given the conversation's so far.

    `previous` is the language of the conversation until now, `default` the hotel's language
    for a conversation whose language is not known yet.
    """
    if default not in SUPPORTED:
        raise ValueError(f"default language {default!r} is not one of {SUPPORTED}")
    prior = previous if previous in SUPPORTED else default
    # E-mail addresses say nothing of the language ("al@…" is no Spanish "al").
    text, addresses = EMAIL.subn(" ", text)
    # Loanwords out: "el check in es a las 3?" is Spanish only without "check in".
    own_words = _SHARED.sub(" ", text.casefold())
    evidence = words(normalize(own_words))
    if not evidence:  # no letters ("👍", "2"), or only shared words ("ok", "wifi?")
        return prior
    spanish = sum(word in _SPANISH for word in evidence)
    english = sum(word in _ENGLISH for word in evidence)
    markers = spanish + english
    if addresses and markers < 2 and len(evidence) <= SHORT_WORDS:
        # Contact details with a few words beside them are mostly a name ("Al Green,
        # al@example.com"), and a name is no evidence: "mi correo es …" still is.
        return prior
    if spanish and english and min(spanish, english) / markers >= MIXED_SHARE:
        return prior
    by_markers = ("es" if spanish > english else "en") if markers else None
    if len(words(normalize(text))) <= SHORT_WORDS:
        seen = [word for word in evidence if len(word) > 1]  # "zzzz" folds to "z"
        if by_markers is None and _model().known_words.isdisjoint(seen):
            return prior  # a word or two never seen ("zzzz frobnicate", a name): no evidence
        return by_markers or _model_or(own_words, prior, threshold=SWITCH_SHORT)
    return _model_or(own_words, by_markers or prior, threshold=SWITCH_LONG)


def _model_or(text: str, fallback: str, *, threshold: float) -> str:
    """The character model's language when it is at least `threshold` sure, else `fallback`."""
    spanish = _model().spanish_probability(text)
    language, confidence = ("es", spanish) if spanish >= 0.5 else ("en", 1 - spanish)
    return language if confidence >= threshold else fallback


NGRAM_ORDERS = (1, 2, 3, 4)
SMOOTHING = 0.5  # added to every n-gram count, so an n-gram one language never showed is no proof


def _ngrams(text: str) -> Iterator[str]:
    padded = f" {normalize(text)} "
    for order in NGRAM_ORDERS:
        for start in range(len(padded) - order + 1):
            yield padded[start : start + order]


@dataclass(frozen=True)
class CharModel:
    """Naive Bayes over character 1–4-grams: Spanish against English, nothing else.

    `weights` holds log P(n-gram | Spanish) - log P(n-gram | English). Each character sits in
    one n-gram of every order, so their evidence is counted once per order, not four times:
    summing them as independent would make every sentence look certain.
    """

    weights: dict[str, float]
    known_words: frozenset[str]  # every word of the training texts

    @classmethod
    def train(cls, texts: Iterable[tuple[str, str]]) -> CharModel:
        counts: dict[str, Counter[str]] = {"es": Counter(), "en": Counter()}
        known: set[str] = set()
        for text, language in texts:
            counts[language].update(_ngrams(text))
            known.update(words(normalize(text)))
        vocabulary = counts["es"].keys() | counts["en"].keys()
        totals = {
            language: sum(found.values()) + SMOOTHING * len(vocabulary)
            for language, found in counts.items()
        }
        weights = {
            gram: math.log((counts["es"][gram] + SMOOTHING) / totals["es"])
            - math.log((counts["en"][gram] + SMOOTHING) / totals["en"])
            for gram in vocabulary
        }
        return cls(weights, frozenset(known))

    def spanish_probability(self, text: str) -> float:
        evidence = sum(self.weights.get(gram, 0.0) for gram in _ngrams(text))
        log_odds = max(-50.0, min(50.0, evidence / len(NGRAM_ORDERS)))
        return 1 / (1 + math.exp(-log_odds))


def _training_texts() -> Iterator[tuple[str, str]]:
    """The intent examples (own phrasing, both languages) and each language's marker words."""
    for example in load_examples():
        yield example.text, example.language
    for language, markers in (("es", _SPANISH), ("en", _ENGLISH)):
        for word in sorted(markers):
            yield word, language


_lock = threading.Lock()
_built: list[CharModel] = []


def _model() -> CharModel:
    """One model per process, trained on first use from the shipped examples (under a second,
    a few MB: lingua, used before, took 0.9 s, 85 MB of memory and 97 MB on disk)."""
    if not _built:
        with _lock:
            if not _built:
                _built.append(CharModel.train(_training_texts()))
    return _built[0]
