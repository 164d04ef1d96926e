"""Chat templates: fallbacks by architecture, the system-role fold, and the sandbox with its caps."""

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.entities import ChatMessage, ModelInfo, Role
from app.core.errors import TemplateError
from app.engine.templates import FALLBACKS, TemplateChoice, choose_template, fallback_name, render_chat
from tests.support.tiny_gguf import CHATML_TEMPLATE, hostile_template

INFO = ModelInfo(architecture="llama", name="m", file_size=1, gguf_version=3, tensor_count=1, parameter_count=1,
                 quantization="F32", context_length=512, block_count=2, embedding_length=64, head_count=4,
                 head_count_kv=2, vocab_size=260, tokenizer_model="gpt2", chat_template=None,
                 bos_token="<s>", eos_token="</s>")
CONVERSATION = [ChatMessage(Role.SYSTEM, "Be brief."), ChatMessage(Role.USER, "Hi"),
                ChatMessage(Role.ASSISTANT, "Hello."), ChatMessage(Role.USER, "Bye")]


def custom(source: str) -> TemplateChoice:
    return TemplateChoice("test", source, "gpt", ())


@pytest.mark.parametrize(("architecture", "tokenizer", "eos", "eot", "expected"), [
    ("gemma3", "llama", "<eos>", (), "gemma"),
    ("gemma2", "llama", "<eos>", (), "gemma"),
    ("qwen2", "gpt2", "<|endoftext|>", (), "chatml"),
    ("qwen3", "gpt2", "<|im_end|>", (), "chatml"),
    ("phi3", "llama", "<|endoftext|>", (), "phi-3"),
    ("llama", "gpt2", "<|end_of_text|>", ("<|eot_id|>",), "llama-3"),
    ("llama", "llama", "</s>", (), "mistral"),
    ("mistral", "llama", "</s>", (), "mistral"),
    ("something-new", "gpt2", "</s>", (), "chatml"),
])
def test_fallback_is_chosen_by_architecture_and_end_tokens(architecture, tokenizer, eos, eot, expected):
    info = replace(INFO, architecture=architecture, tokenizer_model=tokenizer, eos_token=eos, eot_tokens=eot)
    assert fallback_name(info) == expected
    choice = choose_template(info)
    assert (choice.origin, choice.name) == ("fallback", expected)
    assert set(FALLBACKS[expected].stop) <= set(choice.stop)


def test_override_beats_the_gguf_template_which_beats_the_fallback():
    with_template = replace(INFO, chat_template=CHATML_TEMPLATE, eot_tokens=("<|im_end|>",))
    assert choose_template(with_template).origin == "gguf"
    assert choose_template(with_template, "{{ 'x' }}").origin == "gpt"
    assert choose_template(with_template).stop == ("</s>", "<|im_end|>")


def test_gemma_fallback_folds_the_system_turn_into_the_first_user_turn():
    choice = choose_template(replace(INFO, architecture="gemma3", bos_token="<bos>"))
    rendered = render_chat(choice, CONVERSATION, bos_token="<bos>")
    assert rendered.system_folded
    assert rendered.text == ("<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n"
                             "<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n"
                             "<start_of_turn>model\n")


@pytest.mark.parametrize("name", sorted(FALLBACKS))
def test_every_fallback_renders_a_whole_conversation(name):
    rendered = render_chat(TemplateChoice(name, FALLBACKS[name].source, "fallback", ()), CONVERSATION,
                           bos_token="<s>", eos_token="</s>")
    assert "Be brief." in rendered.text and "Bye" in rendered.text and "Hello." in rendered.text


def test_llama_drama_payload_is_refused_and_writes_nothing(tmp_path: Path):
    canary = tmp_path / "canary"
    modules_before = set(sys.modules)
    with pytest.raises(TemplateError, match="unsafe"):
        render_chat(custom(hostile_template(canary)), CONVERSATION)
    assert not canary.exists()
    assert set(sys.modules) == modules_before


@pytest.mark.parametrize("source", [
    "{{ range(10**9) | list }}",
    "{% for i in range(10**9) %}x{% endfor %}",
    "{{ 'a' * 10**9 }}",
    "{{ [1] * 10**8 }}",
    "{{ 2 ** 100000000 }}",
    "{% for i in range(9999) %}{{ 'x' * 9999 }}{% endfor %}",
])
def test_resource_bombs_are_stopped_by_the_caps(source):
    with pytest.raises(TemplateError):
        render_chat(custom(source), CONVERSATION)


def test_a_loop_that_prints_nothing_is_stopped_by_the_clock():
    source = "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}done"
    with pytest.raises(TemplateError, match="longer than"):
        render_chat(custom(source), CONVERSATION, seconds=0.3)


@pytest.mark.parametrize("source", [
    "{% include 'x' %}", "{% import 'x' as y %}", "{{ cycler.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}", "{{ ('{0.__class__.__mro__}'|attr('format'))(1) }}",
    "{{ self.__init__.__globals__ }}", "{% for %}",
])
def test_escapes_and_broken_templates_become_template_errors(source):
    with pytest.raises(TemplateError):
        render_chat(custom(source), CONVERSATION)


@pytest.mark.parametrize("source", ["{{ '{0.__class__}'.format(1) }}", "{{ 'a'|attr('format') }}"])
def test_format_tricks_reveal_no_internals(source):
    """CVE-2024-56326 / CVE-2025-27516: str.format reached through the sandbox stays sandboxed."""
    try:
        text = render_chat(custom(source), CONVERSATION).text
    except TemplateError:
        return
    assert "<class" not in text and "__" not in text


def test_an_oversized_template_is_refused():
    with pytest.raises(TemplateError, match="larger than"):
        render_chat(custom("x" * (64 * 1024 + 1)), CONVERSATION)


def test_raise_exception_without_a_system_turn_is_reported():
    source = "{{ raise_exception('Roles must alternate') }}"
    with pytest.raises(TemplateError, match="Roles must alternate"):
        render_chat(custom(source), [ChatMessage(Role.USER, "hi")])
