"""What every `kiosk` command is given: the configuration, and how the command line named it."""

from __future__ import annotations

import sqlite_utils

from kiosk.config import Config
from kiosk.db import open_database

PROG_NAME = "kiosk"


class Context:
    def __init__(self, config: Config, *, config_file: str | None = None, database: str | None = None,
                 lang: str | None = None) -> None:
        self.config = config
        # As given on the command line: `kiosk serve` passes them on to each browser tab's kiosk.
        self.config_file = config_file
        self.database = database
        self.lang = lang

    def db(self) -> sqlite_utils.Database:
        return open_database(self.config.database)
