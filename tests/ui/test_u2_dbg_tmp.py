import re, html
from tests.ui.test_experiment_screen import *
from tests.ui import test_experiment_screen as T

async def test_dbg(study_app, study) -> None:
    async with study_app.run_test(size=SIZE) as pilot:
        screen = await open_from_card(pilot)
        await predict(pilot, screen, 2)
        await pilot.press("s")
        await until(pilot, lambda: screen.state == "finished")
        await until(pilot, lambda: not screen._building)
        await pilot.pause(0.3)
        open("/tmp/u2b.svg","w").write(study_app.export_screenshot())
        print(screen_text(study_app))
