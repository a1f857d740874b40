"""Who is staying: adults, children (and their ages), and how many rooms.

Rules:
- Counts are taken as said, even 0 or 40: the dialogue judges them, not the extractor.
- A count of persons ("3 personas", "party of 6", "para dos", "una pareja", "just me") becomes
  adults unless children are mentioned too. Then a total that includes them ("somos 4, dos de
  ellos niños", "family of four with two kids") leaves adults = persons - children, while an
  added group ("somos 2 y un bebé") keeps the persons as adults.
- Without any count, relatives are counted: the speaker when they travel ("mi mujer y yo", "me,
  my wife...", "voy con mi..."), one per adult relative, one child per "my son" / "nuestra hija".
- Friends counted come with the relatives named beside them and the speaker when said ("my
  wife, me and 3 friends" are 5); without the speaker's place ("my wife and 3 friends") the
  party is uncertain.
- Rooms from a count ("2 habitaciones", "dos pequeñas habitaciones", "two small double rooms",
  "a double and a single") or a room said with an article ("a room", "una doble"): 1, marked as
  implied (it does not undo "2 rooms" said before). "... y otra para dos" is one more room,
  and when each room's guests are counted they are added up.
- "para 2 del 4 de febrero": a count before "del <day> de" is the party, not a day.
- "2 rooms with 2 adults each": the count is per room. "two couples" are 4, "a 5-year-old" a
  child aged 5, "9 pax of which two are children" 7 adults and 2 children.
- People said without a sure count ("me and some friends", "somos varios", "my wife and kids",
  "one for us") make the party uncertain: no adults or children are guessed, the dialogue asks.
- "un niño más" / "one more adult" adds to `previous`; without it, nothing is assumed.
- A number right after "el", "the", "habitación", "room" or "#" is a date or a room number.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from hotel_agent.nlu.entities.folding import fold
from hotel_agent.nlu.entities.numbers import NUMBER, to_int
from hotel_agent.nlu.types import Entities

_ADULT = r"(?:adult[oa]s?|adults?|mayores|grown[\s-]?ups?)"
_PERSON = (
    r"(?:personas?|people|ppl|persons?|guests?|huespedes|huesped|pax|amig[oa]s|friends|colleagues"
    r"|companer[oa]s)"
)
# "me and 2 friends", "voy con 3 amigos": the friends are counted, and the speaker beside them.
_COMPANIONS = re.compile(r"amig[oa]s|friends|colleagues|companer[oa]s")
_WITH_ME_BEFORE = re.compile(
    r"(?:\b(?:me|myself|yo)\s*(?:\+|&|,|\band|\by|\bplus)|\b(?:with|con))\s*$"
)
_CHILD = (
    r"(?:(?:little|small|young|wee)\s+ones|nin[oa]s?|nenes?|nenas?|cri[oa]s?|peques?|pequen[oa]s?|hij[oa]s?|menores|bebes?|kids?"
    r"|children|child|babies|baby|infants?|toddlers?|sons?|daughters?|teenagers?|adolescentes)"
)
# "a baby cot", "la silla del bebé" name the child's things, not a child.
_CHILD_THING = (
    r"(?!\s+(?:cots?|cribs?|beds?|chairs?|seats?|menus?|cunas?|sillas?|tronas?|camas?|rooms?"
    r"|habitacion\w*|dobles?|suites?))"
)
_ARTICLES = frozenset({"a", "an", "un", "una"})
_COUNT = re.compile(
    rf"(?<![\w/.,:])(?P<num>{NUMBER})\s+(?:(?:little|small|young|pequen[oa]s)\s+)?"
    rf"(?:(?:de\s+ell[oa]s|of\s+them|are|son|seran|will\s+be)\s+(?:(?:son|are)\s+)?)?"
    rf"(?P<noun>(?P<adult>{_ADULT})|(?P<child>{_CHILD}\b{_CHILD_THING})|{_PERSON})\b"
)
_MORE = re.compile(
    rf"\b(?P<num>{NUMBER})\s+(?:(?P<adult>{_ADULT})|{_CHILD})\s+(?:mas|more|extra)\b"
    rf"|\b(?:otr[oa]|another|one\s+more)\s+(?:(?P<adult2>{_ADULT})|{_CHILD})\b"
    rf"|\b(?P<num2>{NUMBER})\s+more\s+(?:(?P<adult3>{_ADULT})|{_CHILD})\b"
)
_NOT_GUESTS = re.compile(
    r"\s*(?:noches?|nights?|semanas?|weeks?|dias?|days?|euros?|€|eur\b|\$|dollars?|libras?"
    r"|pounds?|horas?|hours?|h\b|am\b|pm\b|habitacion|rooms?|doubles?|dobles?|individual"
    r"|singles?|suites?|de\b|del\b|of\b|%|[:/.,]\d|\d|anos|years?|minut|meses|months?|estrellas"
    rf"|stars|veces|times|o'clock|{_ADULT}|{_CHILD})"
)
_TOTAL = re.compile(
    rf"\b(?P<lead>somos|seremos|seriamos|vamos\s+a\s+ser|we'd\s+be|we\s+would\s+be|estaremos|vamos|viajamos|we\s+are|we're|we\s+will\s+be|we'll\s+be"
    rf"|there\s+(?:are|will\s+be)|party\s+of|group\s+of|family\s+of|grupo\s+de|familia\s+de"
    rf"|en\s+total|in\s+total|para|for)\s+(?P<num>{NUMBER})\b"
)
# "una noche para 2 del 4 de febrero": "del 4 de" starts the date, so the 2 is the party ("para
# 2 de febrero" and "para 2 del 4" alone stay dates).
_DAY_AFTER = re.compile(r"\s*del?\s+(?:el\s+)?\d{1,2}\s+(?:de|al|a|hasta)\s+[a-z\d]")
_OF_US = re.compile(rf"\b(?P<num>{NUMBER})\s+(?:of\s+us|de\s+nosotr[oa]s)\b")
# Between "somos 2" and "un bebé": an added group, not a total that includes the children.
# ("+" is no word: a \b after it never matches before a space.)
_ADDED = re.compile(r"[\s,]*(?:(?:y|and|mas|plus|con|with)\b|\+)[\s,]*")
_INCLUSIVE_LEAD = ("family", "familia", "group", "grupo", "en total", "in total")
_COUPLE = re.compile(
    r"\b(?:una\s+pareja|somos\s+pareja|un\s+matrimonio|a\s+(?:married\s+)?couple\b(?!\s+of)"
    r"|mi\s+pareja\s+y\s+yo|yo\s+y\s+mi\s+pareja|the\s+two\s+of\s+us|nosotros\s+dos)\b"
)
_SOLO = re.compile(
    r"\b(?:solo\s+yo|yo\s+sol[oa]|solo\s+para\s+mi|para\s+mi\s+sol[oa]|viajo\s+sol[oa]"
    r"|voy\s+sol[oa]|(?:para\s+mi|yo)\s+(?:nomas|nada\s+mas)|nomas\s+yo|just\s+(?:me|myself|for\s+me)|only\s+(?:me|myself|for\s+me)"
    r"|(?:me|myself)\s+(?:only|alone)|(?:for\s+)?(?:me|myself)\s+on\s+my\s+own"
    r"|(?:travell?ing|coming|going)\s+alone|on\s+my\s+own|by\s+myself|for\s+myself)\b"
    # "just me and my wife", "solo yo y mi señora": not one
    r"(?!\s*(?:(?:and|n|y|with|con)\b|&|\+))"
)
_NO_CHILDREN = re.compile(
    r"\b(?:sin\s+(?:ninos|hijos|peques|crios|menores)|ningun\s+nino|no\s+(?:kids|children)"
    r"|without\s+(?:kids|children)|(?:just|only|solo|solamente)\s+(?:adults|adultos)"
    r"|adults\s+only|adultos\s+solo)\b"
)
_OWN = r"\b(?:mi|mis|my|our|nuestr[oa]s?)\s+(?:(?:little|young|teenage|pequen[oa])\s+)?"
_KIN = (
    r"(?:(?P<pair>padres|parents|suegros|in-laws|abuelos|grandparents)"
    r"|(?P<kid>hij[oa]|bebe|nin[oa]|nene|nena|peque|pequen[oa]|cri[oa]|son|daughter|baby|kid"
    r"|child|boy|girl|little\s+one|toddler|infant)"
    r"|(?P<grown>mujer|marido|esposa|esposo|pareja|novi[oa]|madre|padre|mama|papa|suegr[oa]"
    r"|herman[oa]|amig[oa]|abuel[oa]|wife|husband|partner|boyfriend|girlfriend|fiancee?"
    r"|mother|father|mum|mom|dad|brother|sister|friend|grandma|grandpa|grandmother"
    r"|grandfather|hubby|missus|wifey|gf|bf))\b"
)
_RELATIVE = re.compile(_OWN + _KIN)
# "me + wife", "me and the hubby": listed right after the speaker, a grown-up relative
# travels without "my" (it was dropped: "me + wife + our 2 kids" was 1 adult).
_BESIDE_ME = re.compile(
    r"\b(?:me|myself|yo)\s*(?:\+|&|,|\band\b|\bn\b|\by\b|\bplus\b|\bwith\b|\bcon\b)\s*"
    r"(?:the\s+|la\s+|el\s+)?" + _KIN
)
# "la boda de mi hermana", "my sister's wedding", "the wedding of my son": the relative owns
# what the guest comes for; it says nothing of who travels.
_OWNER_BEFORE = re.compile(r"\b(?:de|del|of)\s+$")
_OWNER_AFTER = re.compile(r"'(?:s\b|\s|$)")
# "mi pareja y yo con el peque de 4": one child said with "the" after "with"/"and"; not the
# child's things ("with the baby cot").
_THE_KID = re.compile(
    r"\b(?:con|y|mas|and|with|plus)\s+(?P<det>el|la|the)\s+(?:(?:little|young|pequen[oa])\s+)?"
    r"(?:bebe|nin[oa]|nene|nena|peque|pequen[oa]|cri[oa]|baby|kid|child|boy|girl|little\s+one"
    r"|toddler|infant)\b" + _CHILD_THING
)
# "my mom and dad", "mi mujer y mi hijo", "my brother and his wife": each relative of a list
# counts.
_NEXT_RELATIVE = re.compile(
    r"\s*(?:,|\band\b|\by\b|&|\+)\s*(?:(?:mi|my|our|nuestr[oa]|his|her|their|su)\s+)?" + _KIN
)
_COUPLES = re.compile(rf"(?<![\w/.,:])(?P<num>{NUMBER})\s+(?:couples|parejas|matrimonios)\b")
# "our two girls", "los dos chicos de 5 y 7": girls and boys are children when they are the
# speaker's (a possessive, or "and the two boys" beside the adults), come after adults counted
# ("2 adults and two girls") or their ages are said;
# "we are two girls" and "somos dos chicas" stay two adults (a total, read elsewhere).
_YOUNG = re.compile(
    rf"(?:(?P<own>\b(?:my|our|mis|nuestr[oa]s)\s+)|(?P<beside>\b(?:and|with|plus|y|con|mas)\s+"
    rf"(?P<the>(?:the|los|las)\s+)?))?(?<![\w/.,:])(?P<num>{NUMBER})\s+(?:(?:little|young|pequen[oa]s)\s+)?"
    r"(?:girls|boys|chic[oa]s|chaval(?:es|as)|muchach[oa]s)\b"
)
# "con las niñas de 8 y 11", "and our girls (8 and 11)": no count, but one child per age.
_KIDS_WITH_AGES = re.compile(
    r"\b(?:my|our|mis|nuestr[oa]s|the|los|las)\s+(?:kids|children|little\s+ones|ninos|ninas"
    r"|hijos|hijas|peques|crios|girls|boys|chic[oa]s|sons|daughters)\b"
)
# "a 5-year-old", "two 3 year olds", "my 7 yo": children with their age.
_AGED = re.compile(
    rf"(?:(?<![\w/.,:])(?P<num>{NUMBER})|\b(?:my|our))\s+(?P<age>\d{{1,2}}|{NUMBER})"
    r"[\s-]*(?:years?|yrs?|y)[\s-]*olds?\b|\b(?:my|our)\s+(?P<yo>\d{1,2})\s*yo\b"
)
# The count just said is per room: "2 rooms with 2 adults each".
_EACH = re.compile(
    r"\s*(?:each|per\s+room|in\s+each(?:\s+room)?|cada\s+una|en\s+cada\s+una"
    r"|(?:en\s+)?cada\s+habitacion|por\s+habitacion|por\s+cuarto)\b"
)
# People without a sure count: the dialogue must ask, not guess.
_VAGUE_KIDS = re.compile(
    r"\b(?:and|with|plus|y|con|mas)\s+(?:the\s+|los\s+|las\s+)?(?:kids|children|little\s+ones"
    r"|ninos|ninas|hijos|hijas|peques|crios|nietos|grandchildren)\b"
    # "with our boys", "y mis chicas": children, or friends; how many either way is not said.
    r"|\b(?:my|our|mis|nuestr[oa]s)\s+(?:boys|girls|chic[oa]s)\b"
)
# Relatives beside a count, not in it: "2 adults and 2 kids plus a double for the grandparents".
_EXTRA_PAIR = re.compile(
    r"\b(?:for|plus|and|with|y|con|para|mas)\s+(?:the|los|las)\s+(?:grandparents|parents"
    r"|in-laws|abuelos|padres|suegros)\b"
)
_VAGUE = re.compile(
    r"\b(?:some|a\s+few|few|several|a\s+group\s+of|a\s+bunch\s+of)\s+"
    r"(?:friends|people|colleagues|guests|kids|children|of\s+us|family)\b"
    r"|\b(?:with|and|plus)\s+(?:my|our|the)\s+(?:family|kids|children|friends|colleagues|team"
    r"|sons|daughters|grandchildren)\b"
    r"|\bwe(?:'re|\s+are)\s+a\s+(?:group|family|few)\b(?!\s+of)|\b(?:a\s+room|one)\s+for\s+us\b"
    r"|\b(?:varios|varias|unos\s+cuantos|unas\s+cuantas|algunos\s+amigos|un\s+grupo)\b"
    r"(?!\s+de\s+\d)|\b(?:con|y|mas)\s+(?:mi|mis|nuestr[oa]s?|la|los)\s+(?:familia|hijos|ninos"
    r"|peques|amigos|amigas|companeros|nietos)\b|\bsomos\s+(?:un\s+grupo|una\s+familia|familia)\b"
    r"(?!\s+de\s)|\buna\s+(?:habitacion\s+)?para\s+nosotros\b"
)
# The speaker travels too: "mi mujer y yo", "me, my wife...", "voy con mi madre".
_ME = re.compile(
    r"\b(?:y\s+yo|yo\s+y|yo\s*,|conmigo|con\s+(?:mi|mis|nuestr\w+)|(?:for|and)\s+me"
    r"|me\s*(?:,|and\b|n\b|&|\+)|and\s+i|i\s+and|myself|with\s+(?:my|our)|(?:para|a)\s+mi\s*(?:,|y\b))\b"
    r"|,\s*yo\b|^me\b"
    # "una doble para mi mujer y para mí": the speaker last in the list
    r"|\by\s+(?:para\s+)?mi\s*(?:$|[,.;!?])|\b(?:para|a)\s+mi\s*,"
)
# "vamos mi marido y los niños": counts the speaker among relatives, not before children alone
# ("we have two kids" says nothing of how many adults).
_OUR_CHILD = re.compile(
    r"\b(?:our|nuestr[oa]s?)\s+(?:(?:little|young|teenage|pequen[oa])\s+)?(?:\d{1,2}[\s-]*"
    r"(?:years?|yrs?|y)[\s-]*olds?|hij[oa]s?|bebe|nin[oa]s?|nenes?|nenas?|sons?|daughters?|baby"
    r"|kids?|child|children|boys?|girls?|little\s+ones?)\b"
)
_WE = re.compile(r"\b(?:vamos|venimos|viajamos|nosotros|we|us)\b")
_AGES = re.compile(
    rf"[\s,]*(?:(?:de|aged?|ages?|edades?)\s+|\(\s*|(?:she|he|they)(?:'s|\s+is|\s+are|'re)\s+"
    rf"|(?:tiene|tienen)\s+)(?P<list>{NUMBER}(?:\s*(?:,|y|and|&)\s*{NUMBER})*)"
    rf"\s*(?P<unit>anos|years?(?:\s+old)?|yrs?|y/?o\b)?"
)
_EXISTS_BEFORE = re.compile(r"\b(?:is\s+there|hay|there's)\s*$")
_NOT_A_COUNT_BEFORE = re.compile(r"(?:\bel|\bla|\bthe|habitacion|room|\bhab|numero|number|#)\s*$")
_ROOM_WORD = (
    r"(?:habitacion(?:es)?|cuartos?|rooms?|dobles?|doubles?|individual(?:es)?|singles?|twins?"
    r"|suites?|triples?|familiar(?:es)?|family)"
)
_ROOMS_SAID = re.compile(rf"\b{_ROOM_WORD}\b")
# "y otra para dos", "and another room", "plus one more double": one more room.
_ANOTHER_ROOM = re.compile(
    r"(?:,|\b(?:y|and|plus|mas|e))\s+(?:otr[oa]|another|one\s+more)"
    rf"(?:\s+{_ROOM_WORD}\b|(?=\s+(?:para|for)\b))"
)
_ROOM_ADJECTIVE = (
    r"(?:hotel|smoking|non[\s-]?smoking|available|different|separate|adjoining|connecting|great"
    r"|nice|quiet|free|small|little|big|large|spacious|cheap|cheaper|basic|standard|simple"
    r"|pequen[oa]s|grandes|ampli[oa]s|barat[oa]s|buen[oa]s|normales|sencill[oa]s|estandar"
    r"|economic[oa]s|bonit[oa]s|tranquil[oa]s|contigu[oa]s|comunicad[oa]s|separad[oa]s"
    r"|distint[oa]s|diferentes)"
)
_ROOMS = re.compile(
    rf"(?<![\w/.,:])(?P<num>{NUMBER})\s+(?P<only>sol[oa]\s+)?"
    # "two small rooms", "dos pequeñas habitaciones", "three nice quiet double rooms"
    rf"(?:{_ROOM_ADJECTIVE}\s+){{0,2}}"
    rf"(?P<item>(?:dobles?|individual(?:es)?|singles?|doubles?"
    r"|twins?|suites?|triples?|familiar(?:es)?|family(?!\s+of)|matrimoniales?)\b"
    r"(?!\s+(?:nights?|noches?|beds?|camas?|check|occupancy|ocupacion|days?|dias?)))?"
    r"\s*(?P<noun>habitaciones|habitacion|cuartos?|rooms?|habs?\b)?"
)


@dataclass(frozen=True)
class Party:
    adults: int | None = None
    children: int | None = None
    children_ages: list[int] = field(default_factory=list)
    rooms: int | None = None
    uncertain: bool = False  # people are said, but not how many: adults/children left None
    rooms_implied: bool = False  # rooms is 1 from "a room", not from a count


def _ages_after(folded: str, end: int) -> list[int]:
    match = _AGES.match(folded, end, min(len(folded), end + 50))
    if match is None or (
        match.group().lstrip(" ,").startswith("de")
        and not match["unit"]
        and _NOT_GUESTS.match(folded, match.end())
    ):
        return []
    ages = [to_int(t) for t in re.split(r"\s*(?:,|\by\b|\band\b|&)\s*", match["list"])]
    return [age for age in ages if age is not None and age <= 17]


def _rooms(folded: str) -> tuple[int | None, bool]:
    """The rooms said, and whether only an article said them ("a room": 1, but no count).
    "una doble y otra individual", "a room for us and another for my parents": one more each
    "another", unless the rooms were counted ("2 rooms: one for us and another for...")."""
    counted: int | None = None
    items = 0
    article = None  # "a room", however often it is said, is one room
    for match in _ROOMS.finditer(folded):
        count = to_int(match["num"]) or 0
        if match["noun"] and (match["num"] not in _ARTICLES or match["only"]):
            counted = count
        elif _EXISTS_BEFORE.search(folded, max(0, match.start() - 12), match.start()):
            continue  # "is there a suite?"
        elif match["item"]:
            items += count  # "una doble y una individual"
        elif match["noun"]:
            article = 1
    others = len(_other_rooms(folded))
    if counted is not None:
        # "one room for 2 and another for 3" counts on; "2 rooms: one ... and another" does not.
        return counted + (others if counted == 1 else 0), False
    if items or others:
        return (items or article or 0) + others, False
    return article, article is not None


@dataclass
class _Said:
    """Counts as the message states them, the latest one winning, with where they were said."""

    adults: int | None = None
    children: int | None = None
    ages: list[int] = field(default_factory=list)
    persons: int | None = None
    persons_at: int = -1
    persons_end: int = -1
    persons_are_adults: bool = False  # "mi pareja y yo", "just me": the count names adults
    children_at: int = -1
    inclusive: bool = False  # the persons are a total including the children ("family of 4")
    more_adults: int = 0
    more_children: int = 0
    each: bool = False  # the counts are per room
    aged_kids: range = range(0)  # "los niños de 3 y 5": counted by their ages, not vague
    friends: bool = False  # the persons are friends counted ("3 amigos"), relatives are beside
    friends_with_me: bool = False  # ... and the speaker is counted with them ("yo y 3 amigos")
    unsure: bool = False  # relatives beside the friends, the speaker's own place not said

    def saw_persons(
        self,
        count: int | None,
        match: re.Match[str],
        inclusive: bool,
        adults: bool = False,
        *,
        friends: bool = False,
        with_me: bool = False,
    ) -> None:
        if match.start() > self.persons_at:
            self.persons, self.persons_at, self.persons_end = count, match.start(), match.end()
            self.inclusive, self.persons_are_adults = inclusive, adults
            self.friends, self.friends_with_me = friends, with_me


def _additions(folded: str, said: _Said) -> list[range]:
    """Additions ("un niño más", "2 more adults"), whose spans are no counts of their own."""
    spans = []
    for match in _MORE.finditer(folded):
        count = to_int(match["num"] or match["num2"] or "1") or 0
        if match["adult"] or match["adult2"] or match["adult3"]:
            said.more_adults += count
        else:
            said.more_children += count
            said.ages = _ages_after(folded, match.end()) or said.ages
        spans.append(range(match.start(), match.end()))
    return spans


def _counts(folded: str, said: _Said, skip: list[range]) -> None:
    for match in _COUNT.finditer(folded):
        if any(match.start() in span for span in skip):
            continue
        if _NOT_A_COUNT_BEFORE.search(folded, max(0, match.start() - 15), match.start()):
            continue
        count = to_int(match["num"])
        said.each = said.each or _EACH.match(folded, match.end()) is not None
        if match["adult"]:
            said.adults = count
        elif match["child"]:
            said.children, said.children_at = count, match.start()
            said.ages = _ages_after(folded, match.end()) or said.ages
        elif not (match["num"] in _ARTICLES and match["noun"].startswith(("guest", "huesp"))):
            before = folded[max(0, match.start() - 12) : match.start()]
            friends = _COMPANIONS.fullmatch(match["noun"]) is not None
            with_me = bool(count) and friends and _WITH_ME_BEFORE.search(before) is not None
            # Friends and the speaker beside them are grown-ups: "me, my son and 2 friends"
            # keeps the son out of the 3.
            said.saw_persons(
                (count or 0) + 1 if with_me else count,
                match,
                inclusive=False,
                adults=with_me,
                friends=friends,
                with_me=with_me,
            )


def _young(folded: str, said: _Said) -> None:
    """Girls and boys counted as children when the message says they are (see `_YOUNG`)."""
    for match in _YOUNG.finditer(folded):
        ages = _ages_after(folded, match.end())
        beside_adults = match["beside"] and (match["the"] or said.adults is not None)
        if (match["own"] or beside_adults or ages) and match.start() > said.children_at:
            said.children = (said.children or 0) + (to_int(match["num"]) or 0)
            said.children_at = match.start()
            said.ages = [*said.ages, *ages]
    if said.children is None:
        for match in _KIDS_WITH_AGES.finditer(folded):
            ages = _ages_after(folded, match.end())
            if len(ages) > 1:
                said.children, said.children_at, said.ages = len(ages), match.start(), ages
                said.aged_kids = range(match.start(), match.end())
                return


def _totals(folded: str, said: _Said) -> None:
    totals = [
        m
        for m in _TOTAL.finditer(folded)
        if not _NOT_GUESTS.match(folded, m.end()) or _DAY_AFTER.match(folded, m.end())
    ]
    for match in sorted([*totals, *_OF_US.finditer(folded)], key=lambda m: m.start()):
        if match["num"] not in _ARTICLES:
            inclusive = match.re is _TOTAL and match["lead"].startswith(_INCLUSIVE_LEAD)
            said.saw_persons(to_int(match["num"]), match, inclusive)
    for pattern, size in ((_COUPLE, 2), (_SOLO, 1)):
        for match in pattern.finditer(folded):
            said.saw_persons(size, match, inclusive=False, adults=True)
    for match in _COUPLES.finditer(folded):
        couples = to_int(match["num"])
        count = None if couples is None else couples * 2
        said.saw_persons(count, match, inclusive=False, adults=True)
    for match in _AGED.finditer(folded):
        if match.start() > said.children_at:
            count = 1 if match["num"] is None else to_int(match["num"]) or 0
            age = to_int(match["age"] or match["yo"])
            said.children = (said.children or 0) + count
            said.children_at = match.start()
            said.ages = [*said.ages, *([age] * count if age is not None else [])]
    for match in _NO_CHILDREN.finditer(folded):
        if match.start() > said.children_at:
            said.children, said.children_at = 0, match.start()


def _relatives(folded: str, said: _Said) -> None:
    """Without counts: the speaker and the relatives they name ("mi mujer y yo", "my son")."""
    relatives: list[re.Match[str]] = []
    # A child beside the speaker ("yo con el peque") is `_THE_KID`'s to count.
    beside_me = (m for m in _BESIDE_ME.finditer(folded) if not m["kid"])
    found = [*_RELATIVE.finditer(folded), *beside_me]
    for match in sorted(found, key=lambda m: m.start()):
        if relatives and match.start() < relatives[-1].end():
            continue  # already read as part of a list
        if _owner(folded, match):
            continue
        relatives.append(match)
        while (listed := _NEXT_RELATIVE.match(folded, relatives[-1].end())) is not None:
            relatives.append(listed)
    the_kids = [m for m in _THE_KID.finditer(folded) if m.start("det") > said.children_at]
    grown = sum(2 if m["pair"] else 1 for m in relatives if not m["kid"])
    if said.friends and said.persons and said.adults is None:
        _beside_friends(folded, said, grown)
    if said.adults is None and said.persons is None and (relatives or the_kids or said.children):
        # "my wife and our son": a child who is "ours" beside a partner is the speaker's too.
        ours = _OUR_CHILD.search(folded) is not None
        speaker = _ME.search(folded) or (grown and (_WE.search(folded) or ours))
        said.adults = grown + (1 if speaker else 0) or None
    kids = [m for m in relatives if m["kid"]]
    if said.children is None and (kids or the_kids):
        said.children = len(kids) + len(the_kids)
        firsts = [m.start() for m in kids] + [m.start("det") for m in the_kids]
        said.children_at = min(firsts)
        last = max((*kids, *the_kids), key=lambda m: m.end())
        said.ages = _ages_after(folded, last.end()) or said.ages


def _beside_friends(folded: str, said: _Said, grown: int) -> None:
    """ "my wife, me and 3 friends", "me, my son and 2 friends": the grown-up relatives named
    travel beside the friends counted, and so does the speaker when the message says so; when
    it does not ("my wife and 3 friends") the party is asked, not guessed one short."""
    assert said.persons is not None
    # "we are 4 friends" counts the speaker among the four; "we" beside relatives does not.
    me = _ME.search(folded) is not None or (grown > 0 and _WE.search(folded) is not None)
    extra = grown + (1 if me and not said.friends_with_me else 0)
    if extra:
        said.persons += extra
        said.persons_are_adults = True
        said.unsure = grown > 0 and not (me or said.friends_with_me)


def _owner(folded: str, match: re.Match[str]) -> bool:
    """Whether the relative matched owns something ("la boda de mi hermana") rather than
    travels ("voy con mi hermana")."""
    before = _OWNER_BEFORE.search(folded, max(0, match.start() - 5), match.start())
    return before is not None or _OWNER_AFTER.match(folded, match.end()) is not None


def extract_party(text: str, *, previous: Entities | None = None) -> Party:
    """Guests and rooms said in `text` (see the module rules)."""
    folded = fold(text)
    whole = _read(folded, previous)
    others = _other_rooms(folded)
    if not others:
        return whole
    # "una habitación para tres y otra para dos": each room's guests, added up; when a room's
    # are not counted ("una para mí y otra para mis padres") the whole message is read.
    bounds = [0, *(match.start() for match in others), len(folded)]
    rooms = [_read(folded[start:end], previous) for start, end in itertools.pairwise(bounds)]
    if all(room.adults is not None and not room.uncertain for room in rooms):
        return replace(
            whole,
            adults=sum(room.adults or 0 for room in rooms),
            children=sum(room.children or 0 for room in rooms)
            if any(room.children is not None for room in rooms)
            else None,
            children_ages=[age for room in rooms for age in room.children_ages],
            uncertain=False,
        )
    return whole


def _other_rooms(folded: str) -> list[re.Match[str]]:
    """ "... y otra para dos", "and another for my parents": more rooms after one said."""
    first = _ROOMS_SAID.search(folded)
    return [] if first is None else list(_ANOTHER_ROOM.finditer(folded, first.end()))


def _read(folded: str, previous: Entities | None) -> Party:
    said = _Said()
    _counts(folded, said, skip=_additions(folded, said))
    _totals(folded, said)
    _young(folded, said)
    counted = said.adults is not None or said.persons is not None
    # "mi mujer y yo con los niños de 3 y 5": the children are counted by their ages.
    unaged = folded[: said.aged_kids.start] + folded[said.aged_kids.stop :]
    uncertain = (
        (not counted and _VAGUE.search(unaged) is not None)
        or (said.children is None and _VAGUE_KIDS.search(folded) is not None)
        or _EXTRA_PAIR.search(folded) is not None
    )
    _relatives(folded, said)
    uncertain = uncertain or said.unsure
    adults, children, persons = said.adults, said.children, said.persons
    if adults is None and persons is not None:
        adults = persons
        after = said.persons_end
        added = _ADDED.fullmatch(folded, after, said.children_at) if said.children_at > 0 else None
        if (
            children
            and persons > children
            and not said.persons_are_adults
            and (said.inclusive or not added)
        ):
            adults = persons - children
    if said.more_adults and previous is not None and previous.adults is not None:
        adults = previous.adults + said.more_adults
    if said.more_children and previous is not None:
        children = (previous.children or 0) + said.more_children
    rooms, implied = _rooms(folded)
    if said.each and rooms:
        adults = None if adults is None else adults * rooms
        children = None if children is None else children * rooms
    if uncertain and said.more_adults == said.more_children == 0:
        return Party(None, None, [], rooms, uncertain=True, rooms_implied=implied)
    return Party(adults, children, said.ages, rooms, rooms_implied=implied)
