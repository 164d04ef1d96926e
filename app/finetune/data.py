"""Training data for a LoRA: read, check, split, and turn into token ids with a loss mask.

Four shapes of file are read: JSONL chats (``{"messages": [{"role", "content"}, ...]}``), JSONL
prompt/completion pairs, CSV with a question and an answer column, and plain text. Every bad record is
reported with its line number in one :class:`~app.core.errors.BadTrainingData`, so a person fixes the file
once rather than once per error.

Chats and pairs are rendered through the GPT's own chat template (the one the engine prompts with), so the
model is trained on exactly the text it will see when it runs; the loss counts only the assistant's turns
(their text and the end-of-turn marker after it), never the prompt. Plain text is trained on whole.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.entities import ChatMessage, Role
from app.core.errors import BadTrainingData, TemplateError
from app.engine.templates import TemplateChoice, render_chat

MAX_DATA_BYTES = 256 * 1024 * 1024
IGNORE = -100
"""The label of a token the loss skips (the value torch's cross entropy ignores)."""

_QUESTION_COLUMNS = ("question", "prompt", "input", "instruction")
_ANSWER_COLUMNS = ("answer", "completion", "output", "response")


class DataFormat(enum.StrEnum):
    CHAT = "chat"
    PROMPT_COMPLETION = "prompt/completion"
    QUESTION_ANSWER = "question/answer"
    TEXT = "text"


@dataclass(frozen=True)
class Example:
    """One record: a conversation to learn the assistant's turns of, or plain ``text`` to learn whole."""

    line: int
    messages: tuple[ChatMessage, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class TrainingData:
    source: str
    format: DataFormat
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class Tokenized:
    """Token ids of one example and their labels (the id where the loss counts, :data:`IGNORE` elsewhere)."""

    line: int
    ids: tuple[int, ...]
    labels: tuple[int, ...]
    truncated: bool = False

    @property
    def trained_tokens(self) -> int:
        return sum(1 for label in self.labels[1:] if label != IGNORE)


@dataclass(frozen=True)
class Split:
    train: tuple[Example, ...]
    validation: tuple[Example, ...]


@dataclass(frozen=True)
class DataReport:
    """What a data file holds, as the wizard and the CLI show it before training."""

    source: str
    format: DataFormat
    examples: int
    train: int
    validation: int
    tokens: int
    trained_tokens: int
    longest: int
    truncated: int


@dataclass(frozen=True)
class Vocab:
    """The base model's tokenizer as the data needs it: text to ids (special tokens parsed, nothing added)."""

    tokenize: Callable[[str], list[int]]
    bos_id: int | None
    add_bos: bool
    bos_token: str = ""
    eos_token: str = ""


# --- reading ----------------------------------------------------------------------------------------
def load_data(path: Path) -> TrainingData:
    """Read and check a data file; raises :class:`BadTrainingData` listing every bad line."""
    path = Path(path)
    if not path.is_file():
        raise BadTrainingData(path.name, [(0, "the file does not exist")])
    if path.stat().st_size > MAX_DATA_BYTES:
        raise BadTrainingData(path.name, [(0, f"the file is larger than {MAX_DATA_BYTES // 2**20} MiB")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise BadTrainingData(path.name, [(line, "the text is not UTF-8")]) from exc
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        fmt, examples, problems = _read_jsonl(text)
    elif suffix in (".csv", ".tsv"):
        fmt, examples, problems = _read_csv(text, "\t" if suffix == ".tsv" else ",")
    else:
        fmt, examples, problems = DataFormat.TEXT, _read_text(text), []
    if not problems and len(examples) < 2:
        problems.append((0, f"it holds {len(examples)} usable record(s); at least 2 are needed (one to train "
                            "on, one to validate with)"))
    if problems:
        raise BadTrainingData(path.name, problems)
    return TrainingData(path.name, fmt, tuple(examples))


def _read_jsonl(text: str) -> tuple[DataFormat, list[Example], list[tuple[int, str]]]:
    examples: list[Example] = []
    problems: list[tuple[int, str]] = []
    formats: set[DataFormat] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append((number, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(record, dict):
            problems.append((number, "a record must be a JSON object"))
            continue
        if "messages" in record:
            formats.add(DataFormat.CHAT)
            example, problem = _chat_record(number, record["messages"])
        elif "prompt" in record or "completion" in record:
            formats.add(DataFormat.PROMPT_COMPLETION)
            example, problem = _pair(number, record.get("prompt"), record.get("completion"),
                                     ("prompt", "completion"), record.get("system"))
        elif "text" in record:
            formats.add(DataFormat.TEXT)
            value = record["text"]
            example, problem = ((Example(number, text=value), "") if isinstance(value, str) and value.strip()
                                else (None, '"text" must be a non-empty string'))
        else:
            example, problem = None, 'expected "messages", "prompt"/"completion" or "text"'
        if problem:
            problems.append((number, problem))
        elif example is not None:
            examples.append(example)
    if DataFormat.TEXT in formats and len(formats) > 1:
        problems.append((0, "the file mixes plain-text records with chats or prompt/completion pairs; "
                            "use one kind per file"))
    fmt = formats.pop() if len(formats) == 1 else DataFormat.CHAT
    return fmt, examples, problems


def _chat_record(number: int, messages: object) -> tuple[Example | None, str]:
    if not isinstance(messages, list) or not messages:
        return None, '"messages" must be a non-empty list'
    turns: list[ChatMessage] = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            return None, f"messages[{index}] must be an object with role and content"
        role, content = message.get("role"), message.get("content")
        if role not in (Role.SYSTEM.value, Role.USER.value, Role.ASSISTANT.value):
            return None, f'messages[{index}].role must be "system", "user" or "assistant", not {role!r}'
        if not isinstance(content, str) or not content.strip():
            return None, f"messages[{index}].content must be a non-empty string"
        turns.append(ChatMessage(Role(role), content))
    if not any(t.role is Role.ASSISTANT for t in turns):
        return None, "the conversation has no assistant message to learn from"
    if turns[-1].role is not Role.ASSISTANT:
        return None, "the conversation must end with an assistant message"
    return Example(number, messages=tuple(turns)), ""


def _pair(number: int, question: object, answer: object, names: tuple[str, str],
          system: object = None) -> tuple[Example | None, str]:
    for value, name in ((question, names[0]), (answer, names[1])):
        if not isinstance(value, str) or not value.strip():
            return None, f'"{name}" must be a non-empty string'
    turns = [ChatMessage(Role.SYSTEM, system)] if isinstance(system, str) and system.strip() else []
    turns += [ChatMessage(Role.USER, str(question)), ChatMessage(Role.ASSISTANT, str(answer))]
    return Example(number, messages=tuple(turns)), ""


def _read_csv(text: str, delimiter: str) -> tuple[DataFormat, list[Example], list[tuple[int, str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        return DataFormat.QUESTION_ANSWER, [], [(1, "the file has no header row")]
    question = next((header.index(c) for c in _QUESTION_COLUMNS if c in header), None)
    answer = next((header.index(c) for c in _ANSWER_COLUMNS if c in header), None)
    if question is None or answer is None:
        return DataFormat.QUESTION_ANSWER, [], [(1, "the header needs a question column (" + ", ".join(
            _QUESTION_COLUMNS) + ") and an answer column (" + ", ".join(_ANSWER_COLUMNS) + ")")]
    names = (header[question], header[answer])
    examples: list[Example] = []
    problems: list[tuple[int, str]] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(question, answer):
                problems.append((line, f"expected {len(header)} columns, found {len(row)}"))
                continue
            example, problem = _pair(line, row[question], row[answer], names)
            if problem:
                problems.append((line, problem))
            elif example is not None:
                examples.append(example)
    except csv.Error as exc:
        problems.append((reader.line_num, f"not valid CSV ({exc})"))
    return DataFormat.QUESTION_ANSWER, examples, problems


def _read_text(text: str) -> list[Example]:
    """Paragraphs (separated by blank lines) are the records of a plain-text file."""
    examples: list[Example] = []
    paragraph: list[str] = []
    first = 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            first = first or number
            paragraph.append(line)
        elif paragraph:
            examples.append(Example(first, text="\n".join(paragraph)))
            paragraph, first = [], 0
    return examples


# --- splitting ----------------------------------------------------------------------------------------
def split(data: TrainingData, fraction: float = 0.1, seed: int = 0) -> Split:
    """A fixed random validation share (at least one example, never all of them)."""
    order = list(data.examples)
    random.Random(seed).shuffle(order)
    size = min(max(1, round(len(order) * fraction)), len(order) - 1)
    return Split(train=tuple(order[size:]), validation=tuple(order[:size]))


# --- tokens -------------------------------------------------------------------------------------------
def tokenize_example(example: Example, vocab: Vocab, template: TemplateChoice, max_length: int) -> list[Tokenized]:
    """Token ids and labels for one example; a long plain text becomes several windows of ``max_length``."""
    if example.messages:
        segments = _chat_segments(example, vocab, template)
    else:
        segments = [(example.text + vocab.eos_token, True)]
    ids: list[int] = []
    labels: list[int] = []
    for text, trained in segments:
        piece = vocab.tokenize(text) if text else []
        ids += piece
        labels += piece if trained else [IGNORE] * len(piece)
    if vocab.add_bos and vocab.bos_id is not None and (not ids or ids[0] != vocab.bos_id):
        ids.insert(0, vocab.bos_id)
        labels.insert(0, IGNORE)
    if example.messages or len(ids) <= max_length:
        cut = len(ids) > max_length
        return [Tokenized(example.line, tuple(ids[:max_length]), tuple(labels[:max_length]), cut)]
    return [Tokenized(example.line, tuple(ids[i:i + max_length]), tuple(labels[i:i + max_length]))
            for i in range(0, len(ids), max_length) if len(ids[i:i + max_length]) > 1]


def _chat_segments(example: Example, vocab: Vocab, template: TemplateChoice) -> list[tuple[str, bool]]:
    """The rendered chat cut into (text, trained) pieces: each assistant turn is trained, the rest is not.

    An assistant turn's text is what rendering it adds after the prompt that asks for it (the generation
    prompt), so the marker that ends it is learned too and the model learns to stop.
    """
    messages = list(example.messages)

    def render(upto: int, prompt: bool) -> str:
        return render_chat(template, messages[:upto], bos_token=vocab.bos_token, eos_token=vocab.eos_token,
                           add_generation_prompt=prompt).text

    try:
        whole = render(len(messages), False)
        segments: list[tuple[str, bool]] = []
        done = 0
        for index, message in enumerate(messages):
            if message.role is not Role.ASSISTANT:
                continue
            asked, answered = render(index, True), render(index + 1, False)
            if not (answered.startswith(asked) and whole.startswith(answered) and len(asked) >= done):
                raise BadTrainingData("the data", [(example.line, "the chat template renders this conversation so "
                                                   "that its assistant turns cannot be told apart")])
            segments += [(whole[done:len(asked)], False), (whole[len(asked):len(answered)], True)]
            done = len(answered)
        segments.append((whole[done:], False))
        return segments
    except TemplateError as exc:
        raise BadTrainingData("the data", [(example.line, str(exc))]) from exc


def tokenize_all(examples: Sequence[Example], vocab: Vocab, template: TemplateChoice,
                 max_length: int) -> list[Tokenized]:
    """Every example's tokens; all template problems are gathered into one error with their lines."""
    out: list[Tokenized] = []
    problems: list[tuple[int, str]] = []
    for example in examples:
        try:
            out += tokenize_example(example, vocab, template, max_length)
        except BadTrainingData as exc:
            problems += exc.problems
    if problems:
        raise BadTrainingData("the data", problems)
    useless = [t.line for t in out if t.trained_tokens == 0]
    if useless and len(useless) == len(out):
        raise BadTrainingData("the data", [(line, f"nothing of the answer fits in {max_length} tokens")
                                           for line in useless])
    return [t for t in out if t.trained_tokens > 0]


def report(data: TrainingData, parts: Split, train: Sequence[Tokenized], validation: Sequence[Tokenized]) -> DataReport:
    every = [*train, *validation]
    return DataReport(
        source=data.source, format=data.format, examples=len(data.examples), train=len(parts.train),
        validation=len(parts.validation), tokens=sum(len(t.ids) for t in every),
        trained_tokens=sum(t.trained_tokens for t in every), longest=max((len(t.ids) for t in every), default=0),
        truncated=sum(1 for t in every if t.truncated),
    )
