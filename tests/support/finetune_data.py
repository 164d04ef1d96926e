"""Small fine-tuning data sets that a tiny random llama can learn something from in a few dozen steps.

The answers share one phrasing and end the same way, so a LoRA on the tiny model lowers their loss quickly;
what it learns is meaningless, and that is fine: tests check the pipeline, not the prose.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

COLOURS = ("red", "blue", "green")


def write_colour_chats(path: Path, count: int = 60, seed: int = 0) -> Path:
    """``count`` one-turn chats as JSONL: a question about an item, answered with its colour."""
    rng = random.Random(seed)
    with Path(path).open("w", encoding="utf-8") as out:
        for number in range(count):
            record = {"messages": [{"role": "user", "content": f"colour of item {number}?"},
                                   {"role": "assistant", "content": f"the colour is {rng.choice(COLOURS)}"}]}
            out.write(json.dumps(record) + "\n")
    return Path(path)
