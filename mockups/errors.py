"""Errors the engine raises for bad input: each carries one line meant for a person."""


class MockupLabError(Exception):
    """Base of every error whose message can be shown to a user as it is."""


class ArtworkError(MockupLabError):
    """The uploaded artwork cannot be used (empty, corrupt, too large, unsupported)."""


class TemplateError(MockupLabError):
    """A template folder or its manifest is invalid; the message names the file and field."""


class RenderError(MockupLabError):
    """A mockup could not be rendered or written."""
