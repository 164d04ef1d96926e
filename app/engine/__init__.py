"""llama.cpp behind a process boundary.

The parent side (:mod:`app.engine.client`) never imports ``llama_cpp``; the child side
(:mod:`app.engine.worker`) does, so a crash, an OOM kill or a malformed GGUF only ever takes the child down.
"""
