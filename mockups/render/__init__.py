"""Rendering: a run of mockups (planned, budgeted, in one of the modes), each composed from the
artwork and a template's images; renderers other layers provide are found by name."""
