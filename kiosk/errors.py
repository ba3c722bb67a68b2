"""The one exception type the core raises for input it refuses."""


class KioskError(Exception):
    """A refused input or a state that forbids the action.

    The message is written for the person at the desk: it says what happened
    and, where there is one, what to do next. The CLI prints it on one line and
    exits 1; screens show it in a banner.
    """
