"""A GPT's knowledge: its documents read, cut into passages, indexed, and the best passages found for a question.

See docs/knowledge.md. Extraction (:mod:`extract`), chunking (:mod:`chunking`), the incremental indexer
(:mod:`indexer`), embeddings through the engine (:mod:`embedder`), hybrid retrieval (:mod:`retrieval`) and
the passages put into a prompt (:mod:`context`).
"""
