"""GPT Shelf: a desktop app for local GPTs (GGUF models + instructions), run through llama.cpp."""

__version__ = "0.1.0"
