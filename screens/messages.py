"""Messages more than one screen posts or handles (a screen's own are declared on it)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class LogOutRequested(Message):
    """The operator logs out (F10 on the queue, or from the idle lock)."""

    why: str = "logout"


@dataclass
class LabelPrinted(Message):
    """A print job sent from this app is done and recorded; posted to the screen in front."""

    job_id: int
    # For the screen it is posted to; the App has recorded the outcome already.
    bubble = False
