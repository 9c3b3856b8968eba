"""The drawn scenes of the built-in templates; `python -m scenes` regenerates them."""
