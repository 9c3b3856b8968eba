"""The drawn scenes of the built-in templates; `python -m mockups.scenes` regenerates them."""
