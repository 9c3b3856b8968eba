"""Photoshop mockups as templates: reading a PSD or PSB within the memory budget, walking its
layers, the light above the smart object, blend modes and warps."""
