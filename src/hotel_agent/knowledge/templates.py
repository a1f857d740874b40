"""The hotel's approved WhatsApp message templates, from the knowledge file.

WhatsApp delivers a free-form message only within 24 hours of the guest's last message; after
that only a template Meta approved for the hotel's number goes through. Each template here says
what it is for (its purpose), its language, and what fills its body variables {{1}}, {{2}}...
in order, so the agent can fill it in — and say clearly when the hotel has none that fits.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hotel_agent.channels.port import OutboundMessage, TemplateCall
from hotel_agent.channels.whatsapp.outbound import template_parameter


class TemplatePurpose(StrEnum):
    STAFF_REPLY = "staff_reply"  # staff write to a guest whose window has closed
    PRE_ARRIVAL = "pre_arrival"  # days before check-in: arrival information
    POST_STAY = "post_stay"  # after check-out: thanks and the review link


# What may fill a template's variables, per purpose (the values the agent knows then).
PARAMETERS: dict[TemplatePurpose, tuple[str, ...]] = {
    TemplatePurpose.STAFF_REPLY: ("reply", "guest_name", "hotel"),
    TemplatePurpose.PRE_ARRIVAL: (
        "guest_name",
        "hotel",
        "arrival_date",
        "reference",
        "check_in",
        "directions",
    ),
    TemplatePurpose.POST_STAY: ("guest_name", "hotel", "review_url"),
}
# Without it the template would not say what it is sent for.
_REQUIRED = {TemplatePurpose.STAFF_REPLY: "reply", TemplatePurpose.POST_STAY: "review_url"}
_VARIABLE = re.compile(r"\{\{\s*(\d+)\s*\}\}")


class WhatsAppTemplate(BaseModel):
    """One approved template, as registered in WhatsApp Manager."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Meta's template names: lower-case letters, digits and underscores.
    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")  # es, en, en_US, pt_BR...
    purpose: TemplatePurpose
    parameters: tuple[str, ...] = ()  # what fills {{1}}, {{2}}... in order
    body: str  # the approved body text, with its {{n}} variables

    @model_validator(mode="after")
    def _consistent(self) -> WhatsAppTemplate:
        allowed = PARAMETERS[self.purpose]
        unknown = [p for p in self.parameters if p not in allowed]
        if unknown:
            raise ValueError(
                f"template {self.name}: unknown parameter {unknown[0]!r} for purpose "
                f"{self.purpose} (use: {', '.join(allowed)})"
            )
        required = _REQUIRED.get(self.purpose)
        if required and required not in self.parameters:
            raise ValueError(f"template {self.name}: a {self.purpose} template needs {required}")
        numbers = sorted({int(n) for n in _VARIABLE.findall(self.body)})
        if numbers != list(range(1, len(self.parameters) + 1)):
            raise ValueError(
                f"template {self.name}: the body has variables {numbers or 'none'} but "
                f"{len(self.parameters)} parameters are listed; they must match {{{{1}}}}, "
                "{{2}}... one for one"
            )
        return self

    def fill(self, values: Mapping[str, str]) -> OutboundMessage:
        """The message that sends this template with `values` (parameter name -> text)."""
        parameters = [template_parameter(values.get(name) or "-") for name in self.parameters]
        text = _VARIABLE.sub(lambda m: parameters[int(m.group(1)) - 1], self.body.strip())
        return OutboundMessage(
            text=text,
            template=TemplateCall(
                name=self.name, language=self.language, body_parameters=parameters
            ),
        )


class TemplateRegistry:
    """The hotel's templates by purpose and language."""

    def __init__(self, templates: Iterable[WhatsAppTemplate] = ()) -> None:
        self.templates = tuple(templates)

    def find(self, purpose: TemplatePurpose, language: str) -> WhatsAppTemplate | None:
        """The template for `purpose` in the guest's `language` (en matches en_US), or None."""
        for template in self.templates:
            if template.purpose == purpose and template.language.split("_")[0] == language:
                return template
        return None


def check_unique(templates: list[WhatsAppTemplate]) -> None:
    """One template per purpose and language (the agent would not know which to send), and
    names unique per language (as Meta keeps them)."""
    problems = [
        f"two {purpose} templates in language {language}"
        for (purpose, language), n in Counter(
            (t.purpose.value, t.language.split("_")[0]) for t in templates
        ).items()
        if n > 1
    ] + [
        f"template {name} ({language}) is listed twice"
        for (name, language), n in Counter((t.name, t.language) for t in templates).items()
        if n > 1
    ]
    if problems:
        raise ValueError("; ".join(problems))
