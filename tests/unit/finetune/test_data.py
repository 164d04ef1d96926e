"""Training data: the four file shapes, every bad line named, the split, and the assistant-only loss mask."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.entities import ChatMessage, Role
from app.core.errors import BadTrainingData
from app.engine.templates import CHATML, GEMMA, TemplateChoice
from app.finetune.data import (
    IGNORE, DataFormat, Example, Vocab, load_data, report, split, tokenize_all, tokenize_example,
)

CHATML_CHOICE = TemplateChoice("chatml", CHATML, "fallback", ("<|im_end|>",))
GEMMA_CHOICE = TemplateChoice("gemma", GEMMA, "fallback", ("<end_of_turn>",))


def char_vocab(add_bos: bool = True) -> Vocab:
    """One token per character (ids are code points), BOS = 0: enough to see where masks fall."""
    return Vocab(tokenize=lambda text: [ord(c) for c in text], bos_id=0, add_bos=add_bos, bos_token="<bos>",
                 eos_token="<eos>")


def decode(ids: list[int] | tuple[int, ...]) -> str:
    return "".join(chr(i) for i in ids if i != IGNORE and i != 0)


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def chat(question: str, answer: str) -> dict:
    return {"messages": [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]}


def test_chat_jsonl_is_read(tmp_path: Path):
    data = load_data(write_jsonl(tmp_path / "d.jsonl", [chat("hi", "hello"), chat("2+2?", "4")]))
    assert data.format is DataFormat.CHAT
    assert [e.line for e in data.examples] == [1, 2]
    assert data.examples[1].messages[-1] == ChatMessage(Role.ASSISTANT, "4")


def test_prompt_completion_jsonl_becomes_a_chat(tmp_path: Path):
    data = load_data(write_jsonl(tmp_path / "d.jsonl", [{"prompt": "a", "completion": "b"},
                                                       {"prompt": "c", "completion": "d", "system": "be brief"}]))
    assert data.format is DataFormat.PROMPT_COMPLETION
    assert [m.role for m in data.examples[1].messages] == [Role.SYSTEM, Role.USER, Role.ASSISTANT]


def test_csv_question_answer_with_quoted_newlines_keeps_line_numbers(tmp_path: Path):
    path = tmp_path / "d.csv"
    path.write_text('question,answer\n"multi\nline",yes\nsecond,\nthird,ok\n', encoding="utf-8")
    with pytest.raises(BadTrainingData) as caught:
        load_data(path)
    assert caught.value.problems == ((4, '"answer" must be a non-empty string'),)
    path.write_text('Question,Answer\n"multi\nline",yes\nthird,ok\n', encoding="utf-8")
    data = load_data(path)
    assert data.format is DataFormat.QUESTION_ANSWER
    assert [e.line for e in data.examples] == [2, 4]


def test_csv_without_the_columns_says_which_it_needs(tmp_path: Path):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(BadTrainingData, match="line 1: the header needs a question column"):
        load_data(path)


def test_plain_text_paragraphs_are_records(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("first para\nstill first\n\n\nsecond para\n", encoding="utf-8")
    data = load_data(path)
    assert data.format is DataFormat.TEXT
    assert [(e.line, e.text) for e in data.examples] == [(1, "first para\nstill first"), (5, "second para")]


def test_every_bad_line_is_named_in_one_error(tmp_path: Path):
    path = write_jsonl(tmp_path / "bad.jsonl", [
        chat("ok", "fine"),
        "{not json",
        [1, 2],
        {"messages": [{"role": "user", "content": "no answer"}]},
        {"messages": [{"role": "robot", "content": "x"}, {"role": "assistant", "content": "y"}]},
        {"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "y"}]},
        {"prompt": "p"},
        {"something": "else"},
        chat("ok", "fine"),
    ])
    with pytest.raises(BadTrainingData) as caught:
        load_data(path)
    lines = [line for line, _ in caught.value.problems]
    assert lines == [2, 3, 4, 5, 6, 7, 8]
    message = str(caught.value)
    assert "bad.jsonl" in message and "line 2: not valid JSON" in message
    assert "line 5: messages[0].role must be" in message and "line 7: \"completion\" must be" in message


def test_an_empty_or_tiny_file_is_refused(tmp_path: Path):
    with pytest.raises(BadTrainingData, match="at least 2 are needed"):
        load_data(write_jsonl(tmp_path / "one.jsonl", [chat("a", "b")]))
    with pytest.raises(BadTrainingData, match="does not exist"):
        load_data(tmp_path / "missing.jsonl")


def test_text_that_is_not_utf8_names_its_line(tmp_path: Path):
    path = tmp_path / "d.jsonl"
    path.write_bytes(json.dumps(chat("a", "b")).encode() + b"\n" + b'{"text": "\xff"}\n')
    with pytest.raises(BadTrainingData, match="line 2: the text is not UTF-8"):
        load_data(path)


def test_split_is_fixed_by_the_seed_and_never_empty(tmp_path: Path):
    data = load_data(write_jsonl(tmp_path / "d.jsonl", [chat(f"q{i}", f"a{i}") for i in range(20)]))
    first, again = split(data, 0.1, seed=3), split(data, 0.1, seed=3)
    assert first == again
    assert (len(first.train), len(first.validation)) == (18, 2)
    assert {e.line for e in first.train} | {e.line for e in first.validation} == set(range(1, 21))
    two = load_data(write_jsonl(tmp_path / "two.jsonl", [chat("a", "b"), chat("c", "d")]))
    assert (len(split(two, 0.5).train), len(split(two, 0.5).validation)) == (1, 1)


def test_chat_loss_counts_only_the_assistant_turns_and_their_end_marker():
    example = Example(1, messages=(ChatMessage(Role.USER, "hi"), ChatMessage(Role.ASSISTANT, "hello"),
                                   ChatMessage(Role.USER, "more"), ChatMessage(Role.ASSISTANT, "sure")))
    [tokens] = tokenize_example(example, char_vocab(), CHATML_CHOICE, 512)
    assert tokens.ids[0] == 0 and tokens.labels[0] == IGNORE  # BOS added, never a target
    assert decode(tokens.ids) == ("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>\n"
                                  "<|im_start|>user\nmore<|im_end|>\n<|im_start|>assistant\nsure<|im_end|>\n")
    assert decode(tokens.labels) == "hello<|im_end|>\nsure<|im_end|>\n"
    assert tokens.trained_tokens == len("hello<|im_end|>\nsure<|im_end|>\n")


def test_a_template_without_a_system_role_folds_it_and_still_masks():
    example = Example(3, messages=(ChatMessage(Role.SYSTEM, "be brief"), ChatMessage(Role.USER, "hi"),
                                   ChatMessage(Role.ASSISTANT, "yo")))
    [tokens] = tokenize_example(example, char_vocab(add_bos=False), GEMMA_CHOICE, 512)
    assert decode(tokens.ids).startswith("<bos><start_of_turn>user\nbe brief\n\nhi<end_of_turn>\n")
    assert decode(tokens.labels) == "yo<end_of_turn>\n"


def test_plain_text_is_trained_whole_and_cut_into_windows():
    [short] = tokenize_example(Example(1, text="abc"), char_vocab(), CHATML_CHOICE, 512)
    assert decode(short.labels) == "abc<eos>"
    windows = tokenize_example(Example(1, text="x" * 50), char_vocab(), CHATML_CHOICE, 16)
    assert [len(w.ids) for w in windows] == [16, 16, 16, 8]
    assert decode(b"".join(bytes(w.ids) for w in windows)) == "x" * 50 + "<eos>"


def test_a_chat_longer_than_max_length_is_truncated_and_reported(tmp_path: Path):
    data = load_data(write_jsonl(tmp_path / "d.jsonl", [chat("q", "a" * 200), chat("q", "answer")]))
    parts = split(data, 0.5, seed=0)
    train = tokenize_all(parts.train, char_vocab(), CHATML_CHOICE, 80)
    validation = tokenize_all(parts.validation, char_vocab(), CHATML_CHOICE, 80)
    every = [*train, *validation]
    assert all(len(t.ids) <= 80 for t in every)
    summary = report(data, parts, train, validation)
    assert (summary.examples, summary.train + summary.validation) == (2, 2)
    assert summary.longest == 80 and summary.truncated == 1
    assert summary.tokens == sum(len(t.ids) for t in every)


def test_examples_whose_answer_never_fits_are_refused_by_line(tmp_path: Path):
    data = load_data(write_jsonl(tmp_path / "d.jsonl", [chat("q" * 100, "a"), chat("q" * 90, "b")]))
    with pytest.raises(BadTrainingData, match=r"line 1: nothing of the answer fits in 20 tokens"):
        tokenize_all(data.examples, char_vocab(), CHATML_CHOICE, 20)
