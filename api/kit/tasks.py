"""What long-running background loops share."""

from __future__ import annotations

import asyncio


def stopping() -> bool:
    """Whether this task was told to stop: an error raised while it cleans up after that must not hide the stop.

    (Closing a database session whose connection the cancellation broke, or removing a folder a build process
    still writes to, raises an ordinary error in place of the CancelledError; a loop that outlives errors would
    then run on, and a server waiting for it would never stop.)
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
