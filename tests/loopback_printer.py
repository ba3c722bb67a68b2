"""A ZPL printer on 127.0.0.1 for tests: it keeps what each connection sent."""

from __future__ import annotations

import socket
import threading


class LoopbackPrinter:
    """Listens on an ephemeral loopback port; created ``on=False`` it refuses connections until ``switch_on``."""

    def __init__(self, on: bool = True) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        self.port = self.socket.getsockname()[1]
        self.jobs: list[bytes] = []
        self.thread: threading.Thread | None = None
        if on:
            self.switch_on()

    def switch_on(self) -> None:
        self.socket.listen()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                data = b""
                while chunk := connection.recv(65536):
                    data += chunk
                self.jobs.append(data)

    def close(self) -> None:
        self.socket.close()
        if self.thread is not None:
            self.thread.join(timeout=5)
