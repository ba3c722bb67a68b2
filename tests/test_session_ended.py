"""A supervisor ends a badge's session from another station: that station stops acting as the badge."""

from __future__ import annotations

from screens.login import LoginScreen
from screens.pack import PackScreen
from tests.pilot import banner, run_kiosk
from tests.test_desk import desk_of


def test_a_desk_knows_when_a_supervisor_ended_its_session_elsewhere(db, config):
    packer = desk_of(db, config, "P001", "1234")
    assert packer.session_ended() is None
    supervisor = desk_of(db, config, "S001", "9999", station="DESK-9")
    assert supervisor.end_session_of("P001") == packer.station
    assert packer.session_ended() == (
        "A supervisor ended the session of P001 at this station: scan your badge to log in again.")
    # The badge is free: it logs in at another station, and this one still does not act as it.
    desk_of(db, config, "P001", "1234", station="DESK-7")
    assert packer.session_ended() is not None


async def test_the_station_whose_session_was_ended_goes_back_to_the_login_screen_and_says_why(db, config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        assert isinstance(app.screen, PackScreen)
        desk_of(db, config, "S001", "9999", station="DESK-9").end_session_of("P001")
        await pilot.pause(2.5)  # the station's session check runs every 2 s
        assert isinstance(app.screen, LoginScreen)
        assert banner(app).message.startswith("A supervisor ended the session of P001 at this station")
        assert app.desk.session_ended() is None  # logged out: nothing more to say
