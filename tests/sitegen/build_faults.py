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
