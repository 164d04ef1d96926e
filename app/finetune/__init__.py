"""LoRA fine-tuning of a GPT's base model: data, a training child process, GGUF adapter export.

Only :mod:`app.finetune.runner` (the child) imports torch, transformers and peft, which come with the
optional extra ``finetune``, and only inside its functions; the rest of the package runs without them.
"""
