"""LoRA fine-tuning of a GPT's base model: data, a training child process, GGUF adapter export, evaluation.

Only :mod:`app.finetune.runner` (the child) and :mod:`app.finetune.torch_io` import torch, transformers and
peft, which come with the optional extra ``finetune``; everything else here runs without them.
"""
