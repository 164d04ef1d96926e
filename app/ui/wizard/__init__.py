"""The GPT wizard: make a GPT step by step, or change one, and try it before saving."""

from app.ui.wizard.wizard import GPTWizard

__all__ = ["GPTWizard"]
