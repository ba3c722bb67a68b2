"""Keys that arrive while a scan screen is being built reach its scan field, whatever the load."""

from __future__ import annotations

from screens.pack import PackScreen
from tests.conftest import EAN
from tests.pilot import SIZE, RecordingApp, banner, log_in, post_scans, scan


async def test_a_scan_that_arrives_while_the_pack_screen_mounts_is_read_whole(config, db, monkeypatch):
    build = PackScreen.on_mount

    def on_mount(self: PackScreen) -> None:
        # The scanner's next code comes in while the screen is being built (a busy machine, a
        # browser station): its keys wait in the App's queue behind the screen's start-up.
        post_scans(self.app, [EAN["SW-RED-M"]])
        build(self)

    monkeypatch.setattr(PackScreen, "on_mount", on_mount)
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, "SO-1")
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
        assert banner(app).tone == "ok", banner(app).message
    assert db.execute("SELECT raw_code, result FROM scans").fetchall() == [(EAN["SW-RED-M"], "accepted")]
