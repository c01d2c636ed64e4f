"""Text an author writes for the readers (a title, a synopsis, a question), in their languages.

A file gives it either as a plain string (English) or as a table of languages::

    synopsis = "Boat crews report ten injured people."
    synopsis.en = "Boat crews report ten injured people."
    synopsis.th = "ทีมเรือรายงานผู้บาดเจ็บสิบคน"

A list of questions is a list of such texts, or one list a language (in the same order)::

    discussion.en = ["Who decides?", "How long does it take?"]
    discussion.th = ["ใครเป็นผู้ตัดสินใจ", "ใช้เวลานานเท่าใด"]

English is required; Thai, Lao and Khmer are optional, and a reader whose language a text
lacks reads it in English.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import (
    BeforeValidator,
    Field,
    GetJsonSchemaHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from sim.scenario.types import Section, plain_text

SCRIPTS = {
    "th": (0x0E00, 0x0E7F, "Thai"),
    "lo": (0x0E80, 0x0EFF, "Lao"),
    "km": (0x1780, 0x17FF, "Khmer"),
}
"""Each translated language's Unicode block: a text given in it must be in that script."""

LANGUAGES = ("en", *SCRIPTS)

MAX_QUESTIONS = 10
"""Discussion questions an inject may carry."""

MAX_CHARS = 4000
"""The longest text in one language: a few paragraphs (a scenario's description)."""

TABLE = '{en = "…", th = "…", lo = "…", km = "…"}'

TEXT_FIELDS = ("name", "description", "synopsis", "expected_action", "discussion")
"""The fields whose value is a text in languages (a scenario's, an inject's)."""


class Text(Section):
    """Authored text: English, and Thai, Lao and Khmer where translated."""

    en: str
    """In English (required: the record and the fallback for a missing translation)."""
    th: str | None = None
    """In Thai."""
    lo: str | None = None
    """In Lao."""
    km: str | None = None
    """In Khmer."""

    max_chars: ClassVar[int] = MAX_CHARS
    """The longest it may be in any one language."""

    @model_validator(mode="before")
    @classmethod
    def _from_file(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"en": value}
        if not isinstance(value, dict | Text):
            raise ValueError(f"write the text in double quotes, or in languages as {TABLE}")
        return value  # a key that is no language is refused as unknown (the loader says so)

    @field_validator("en", "th", "lo", "km")
    @classmethod
    def _written(cls, text: str | None, info: ValidationInfo) -> str | None:
        if text is None:
            return None
        lang = str(info.field_name)
        plain_text(text, lines=True)
        if not text.strip():
            leave = "the key" if lang == "en" else lang
            raise ValueError(f"the text is empty; write it, or leave {leave} out")
        if len(text) > cls.max_chars:
            raise ValueError(f"the text is longer than {cls.max_chars} characters; shorten it")
        if lang in SCRIPTS:
            low, high, script = SCRIPTS[lang]
            if not any(low <= ord(c) <= high for c in text):
                raise ValueError(
                    f"the text is not in {script} script; translate it, or leave {lang} out"
                )
        return text.strip()

    @model_serializer
    def _compact(self) -> str | dict[str, str]:
        """A plain string when there is only English, as it was written."""
        given = {lang: text for lang in LANGUAGES if (text := getattr(self, lang))}
        return self.en if len(given) == 1 else given

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        table = handler(schema)
        return {
            "anyOf": [{"type": "string", "minLength": 1}, table],
            "description": "text in English, or a table of languages (en required)",
        }

    def in_language(self, lang: str) -> str:
        """The text in a reader's language, or in English where it has none."""
        translated: str | None = getattr(self, lang) if lang in SCRIPTS else None
        return translated or self.en

    def __str__(self) -> str:
        return self.en


def text_in(text: Text | None, lang: str) -> str:
    """An optional text in a reader's language (English where it has none; "" for none)."""
    return "" if text is None else text.in_language(lang)


class Question(Text):
    """A discussion question: a sentence or two, in each language."""

    max_chars: ClassVar[int] = 500


def _one_list_a_language(value: Any) -> Any:
    """Questions given as one list a language, as one text a question."""
    if not isinstance(value, dict):
        return value
    unknown = [lang for lang in value if lang not in LANGUAGES]
    if unknown:
        raise ValueError(
            f"unknown language '{unknown[0]}'; give the questions in en (required), th, lo or km"
        )
    english = value.get("en")
    if not isinstance(english, list):
        raise ValueError('give the questions in English too, as en = ["…", "…"]')
    for lang, texts in value.items():
        if not isinstance(texts, list) or len(texts) != len(english):
            count = len(texts) if isinstance(texts, list) else "no list of"
            raise ValueError(
                f"{lang} gives {count} questions where en gives {len(english)}; "
                "give one for each, in the same order"
            )
    return [{lang: texts[i] for lang, texts in value.items()} for i in range(len(english))]


def _or_one_list_a_language(schema: dict[str, Any]) -> None:
    """The JSON Schema of questions: a list of texts, or one list a language."""
    names = {"en": "English", "th": "Thai", "lo": "Lao", "km": "Khmer"}
    as_lists = {
        "type": "object",
        "properties": {
            lang: {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": f"the questions in {name}, in the same order",
            }
            for lang, name in names.items()
        },
        "required": ["en"],
        "additionalProperties": False,
    }
    kept = ("title", "description", "default", "examples")
    as_texts = {k: v for k, v in schema.items() if k not in kept}
    for key in as_texts:
        del schema[key]
    schema["anyOf"] = [as_texts, as_lists]


Questions = Annotated[
    tuple[Question, ...],
    BeforeValidator(_one_list_a_language),
    Field(max_length=MAX_QUESTIONS, json_schema_extra=_or_one_list_a_language),
]
"""Discussion questions: a list of texts, or one list a language."""
