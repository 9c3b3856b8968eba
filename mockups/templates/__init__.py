"""Templates: the manifest's dataclasses, the library of built-in and user templates, and
the per-pixel print maps (`uvmap` placement) they may carry."""
