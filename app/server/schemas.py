"""The API's request and response bodies, with the ranges every number must fall in (else 422).

Field names follow OpenAI's API. Numbers outside their range are refused before anything runs: a
negative or huge value is attack surface in llama.cpp (docs/api.md, "Security"). A few llama.cpp
samplers OpenAI lacks (``top_k``, ``min_p``, ``repeat_penalty``) are accepted as extensions.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.manifest.models import MAX_STOPS

MAX_TOKENS = 32768
MAX_MESSAGES = 1000
MAX_EMBED_INPUTS = 256
SEED_MAX = 2**32 - 1

Text = Annotated[str, Field(max_length=200_000)]
Stop = Annotated[str, Field(min_length=1, max_length=200)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TextPart(_Body):
    type: Literal["text"]
    text: Text


class Message(_Body):
    role: Literal["system", "developer", "user", "assistant"]
    content: Text | Annotated[list[TextPart], Field(max_length=64)] | None = None
    name: str | None = Field(default=None, max_length=64)

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text for part in self.content)


class JsonSchemaFormat(_Body):
    name: str = Field(default="response", max_length=64)
    description: str | None = Field(default=None, max_length=2000)
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class ResponseFormat(_Body):
    type: Literal["text", "json_object", "json_schema"] = "text"
    json_schema: JsonSchemaFormat | None = None


class StreamOptions(_Body):
    include_usage: bool = False


class Sampling(_Body):
    """What both completion endpoints accept; each value given overrides the GPT's own."""

    model: str = Field(min_length=1, max_length=200, description="A GPT's or a model's id from GET /v1/models.")
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    top_k: int | None = Field(default=None, ge=0, le=1000)
    min_p: float | None = Field(default=None, ge=0, le=1)
    repeat_penalty: float | None = Field(default=None, gt=0, le=2)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2,
                                           description="Lowers the logit of every token already seen, once.")
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2,
                                            description="Lowers a seen token's logit by this much per time seen.")
    max_tokens: int | None = Field(default=None, ge=1, le=MAX_TOKENS)
    seed: int | None = Field(default=None, ge=0, le=SEED_MAX)
    stop: Stop | Annotated[list[Stop], Field(max_length=MAX_STOPS)] | None = None
    """Up to 8, not OpenAI's 4: as many as a GPT may have, so one GPT Shelf can run a GPT on another's API."""
    n: int = Field(default=1, ge=1, le=1, description="Only one choice per request.")
    stream: bool = False
    stream_options: StreamOptions | None = None
    user: str | None = Field(default=None, max_length=256)

    def stops(self) -> tuple[str, ...] | None:
        if self.stop is None:
            return None
        return (self.stop,) if isinstance(self.stop, str) else tuple(self.stop)


class ChatCompletionRequest(Sampling):
    messages: Annotated[list[Message], Field(min_length=1, max_length=MAX_MESSAGES)]
    max_completion_tokens: int | None = Field(default=None, ge=1, le=MAX_TOKENS)
    response_format: ResponseFormat | None = None


class CompletionRequest(Sampling):
    prompt: Text | Annotated[list[Text], Field(min_length=1, max_length=1)]
    echo: bool = False

    def text(self) -> str:
        return self.prompt if isinstance(self.prompt, str) else self.prompt[0]


class EmbeddingRequest(_Body):
    model: str = Field(min_length=1, max_length=200)
    input: Text | Annotated[list[Text], Field(min_length=1, max_length=MAX_EMBED_INPUTS)]
    encoding_format: Literal["float", "base64"] = "float"
    """base64: each vector as little-endian float32 bytes, base64-encoded (what the openai client asks for)."""
    dimensions: int | None = Field(default=None, ge=1, le=65536, description="Accepted when it is the model's own.")
    user: str | None = Field(default=None, max_length=256)

    def texts(self) -> list[str]:
        return [self.input] if isinstance(self.input, str) else list(self.input)


# --- responses (for the OpenAPI schema; the handlers build the same shapes) -----------------------

class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int = 0
    total_tokens: int


class ModelEntry(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str
    name: str = Field(description="The GPT's or model's name as the app shows it.")
    kind: Literal["gpt", "model"]


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelEntry]


class ReplyMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int
    message: ReplyMessage
    finish_reason: str


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage


class CompletionChoice(BaseModel):
    index: int
    text: str
    finish_reason: str
    logprobs: None = None


class Completion(BaseModel):
    id: str
    object: Literal["text_completion"] = "text_completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: Usage


class Embedding(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str


class EmbeddingList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Embedding]
    model: str
    usage: Usage


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail
