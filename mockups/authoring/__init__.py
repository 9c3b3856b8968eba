"""Making a template: from a scene photo and four corners (`photo`), written to the user's
templates folder through a staged folder (`folder`)."""
