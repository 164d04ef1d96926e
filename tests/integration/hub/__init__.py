"""Tests of the fake Hugging Face Hub (tests/support/fake_hub.py) with the real huggingface_hub client."""
