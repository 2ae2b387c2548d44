"""The content of a synthetic edition: vocabulary, registry records, registries and memos.

``Synth`` makes everything of one edition, deterministically for a seed and sizes;
``bench.generate`` writes it to disk as a project.
"""

from bench.synth.registries import Synth

__all__ = ["Synth"]
