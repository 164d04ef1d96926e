"""The remote hub (Hugging Face or any compatible endpoint): store index sync, model search,
verified resumable downloads, likes and reviews.

All traffic goes through ``huggingface_hub`` (or its HTTP session) with an explicit endpoint; errors
from it are translated here into :class:`app.core.errors.KnownError` sentences (offline, not found,
gated, unauthorised).
"""
