"""Stand-ins for the build processes' task; build processes import them by name, which they cannot do for closures."""

from __future__ import annotations

import os


def disk_full(*_args: object, **_kwargs: object) -> None:
    """A build that fails with an error."""
    raise OSError("disk full while building")


def crash(*_args: object, **_kwargs: object) -> None:
    """A build whose process dies on the spot, as when the kernel kills it for memory."""
    os._exit(70)


def crash_building_harbor(snapshot: dict, **kwargs: object) -> object:
    """The harbor client's build kills its process; every other client's builds as usual."""
    if snapshot["client"]["slug"] == "harbor":
        os._exit(70)
    from sitegen.pool import render_and_build

    return render_and_build(snapshot, **kwargs)


def still_writing(_snapshot: dict, *, work_dir: object, **_kwargs: object) -> None:
    """A build that keeps writing files into its work folder for a while (as MkDocs does), then fails."""
    import time
    from pathlib import Path

    reports = Path(str(work_dir)) / "site" / "reports"
    reports.mkdir(parents=True)
    (Path(str(work_dir)).parent / f"{Path(str(work_dir)).name}.started").write_text("started")
    deadline, number = time.monotonic() + 3, 0
    while time.monotonic() < deadline:
        number += 1
        (reports / f"page-{number}.html").write_text("<p>page</p>")
        (reports / f"page-{number - 200}.html").unlink(missing_ok=True)  # new files keep coming, a few at a time
    raise OSError("the build was given up")


def slow(snapshot: dict, **kwargs: object) -> object:
    """A build that takes three seconds longer than usual, then builds as usual."""
    import time

    from sitegen.pool import render_and_build

    time.sleep(3)
    return render_and_build(snapshot, **kwargs)
