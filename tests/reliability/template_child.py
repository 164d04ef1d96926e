"""Renders hostile chat templates the way the app does, in a process of its own with an address-space cap.

Usage: ``python -m tests.reliability.template_child ROUTE PAYLOADS.json WORKDIR``. ROUTE is ``gguf`` (the
template sits in a GGUF's ``tokenizer.chat_template``: written, checked by app.ggufcheck, chosen,
rendered) or ``manifest`` (a gpt.json ``chat_template``: parsed by app.manifest, chosen as the GPT's
override, rendered). Prints one JSON line per payload: outcome ``refused`` (a known error, with its
message), ``rendered`` or ``bug`` (any other exception), seconds, and how far the peak resident memory
rose above the level before the first payload. The cap on the address space keeps a bomb that slips
through from taking the machine down: it then shows as a MemoryError.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

ADDRESS_SPACE = 4 * 2**30
LEAKS = ("__builtins__", "<module ", "<built-in", "catch_warnings", "<class ", "<function ")


def _peak_kib() -> int:
    """This process's peak resident memory since exec: Linux's VmHWM where there is one.

    ``ru_maxrss`` is kept across ``execve``, so a child forked from a big test process (the full run's
    pytest after the GGUF suite) starts with its parent's peak, and a 200 MiB rise read as 0.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    route, payloads, work = sys.argv[1], json.loads(Path(sys.argv[2]).read_text()), Path(sys.argv[3])
    from app.core.entities import ChatMessage, Role  # noqa: PLC0415
    from app.core.errors import KnownError  # noqa: PLC0415
    from app.engine.templates import choose_template, render_chat  # noqa: PLC0415
    from app.ggufcheck import check_gguf  # noqa: PLC0415
    from app.manifest import parse_manifest  # noqa: PLC0415
    from tests.support.tiny_gguf import write_tiny_llama  # noqa: PLC0415
    from tests.unit.manifest.samples import valid  # noqa: PLC0415

    info = check_gguf(write_tiny_llama(work / "plain.gguf", vocab_only=True))
    messages = [ChatMessage(Role.SYSTEM, "Be brief."), ChatMessage(Role.USER, "Hello")]
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, hard))
    base = _peak_kib()
    for index, payload in enumerate(payloads):
        started = time.perf_counter()
        outcome, message = "rendered", ""
        try:
            if route == "gguf":
                model = check_gguf(write_tiny_llama(work / f"hostile-{index}.gguf", vocab_only=True,
                                                    chat_template=payload["source"]))
                choice = choose_template(model)
            else:
                manifest = dict(valid(), chat_template=payload["source"])
                choice = choose_template(info, parse_manifest(json.dumps(manifest)).manifest.chat_template)
            text = render_chat(choice, messages).text
            if any(marker in text for marker in LEAKS):
                outcome, message = "escaped", text[:300]
        except KnownError as exc:
            outcome, message = "refused", str(exc)
        except BaseException as exc:  # noqa: BLE001 - what is being counted
            outcome, message = "bug", f"{type(exc).__name__}: {exc}"
        sys.stdout.write(json.dumps({"name": payload["name"], "outcome": outcome, "message": message[:300],
                                     "seconds": time.perf_counter() - started,
                                     "rise_mib": (_peak_kib() - base) / 1024}) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
