"""Domain errors of the review workflow. Each carries a message a person can read."""


class WorkflowError(Exception):
    """A workflow step was refused; nothing was changed."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class NotAllowed(WorkflowError):
    """The person may not take this step (role, or four eyes)."""


class InvalidTransition(WorkflowError):
    """The change request is not in a state where this step makes sense."""


class StaleContent(WorkflowError):
    """The content changed after the person looked at it."""


class InvalidInput(WorkflowError):
    """Something the person typed or chose cannot be used (an empty reason, a past date)."""


class TooManyTries(WorkflowError):
    """Asked too often (one-time codes, their tries): nothing was done; wait and ask again."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
