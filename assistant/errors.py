"""One small error hierarchy. The CLI and the page turn these into messages once, at the edge."""


class AssistantError(Exception):
    """Base class: the message is meant for a person and says what to do."""


class InputError(AssistantError):
    """A user file or value cannot be used. The message names the file and the fix."""

    def __init__(self, message: str, path: str | None = None):
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class IndexError_(AssistantError):
    """An index is missing, incompatible with the settings, or damaged."""


class IndexLocked(AssistantError):
    """Another writer holds the index lock."""


class ModelMissing(AssistantError):
    """A packaged model or optional dependency is not installed; the message gives the install command."""


class GenerationError(AssistantError):
    """The generator backend failed (server down, bad reply)."""
