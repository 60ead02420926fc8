"""The isolated child holds nothing of its parent's, reports failures as
messages, and is killed at its time limit."""

import os
import time

import pytest

from ingest.isolate import ChildCrashed, ChildFailed, ChildTimedOut, run_isolated


def open_descriptors() -> dict[int, str]:
    """What each open descriptor points at (the listing's own descriptor is gone by then)."""
    targets = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            targets[int(name)] = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
    return targets


def raise_value_error() -> None:
    raise ValueError("bad xref table\nsecond line")


def die_by_signal() -> None:
    os.kill(os.getpid(), 9)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc (Linux)")
def test_the_child_keeps_only_the_standard_streams_and_its_result_pipe(tmp_path):
    lock = tmp_path / "lock"
    with lock.open("w"):  # a parent's descriptor, like the ingest lock
        descriptors = run_isolated(open_descriptors, timeout=30)
    assert str(lock) not in descriptors.values()
    beyond_standard = [target for number, target in descriptors.items() if number > 2]
    assert len(beyond_standard) == 1 and beyond_standard[0].startswith("pipe:"), descriptors


def test_a_failure_in_the_child_is_a_one_line_message():
    with pytest.raises(ChildFailed, match=r"^ValueError: bad xref table$"):
        run_isolated(raise_value_error, timeout=30)


def test_a_child_that_dies_without_a_result_is_a_crash():
    with pytest.raises(ChildCrashed):
        run_isolated(die_by_signal, timeout=30)


def test_a_child_past_its_time_limit_is_killed():
    started = time.monotonic()
    with pytest.raises(ChildTimedOut):
        run_isolated(time.sleep, 30, timeout=0.5)
    assert time.monotonic() - started < 25  # a hang guard, not a speed target


def test_the_return_value_comes_back_whole():
    assert run_isolated(lambda n: ["page"] * n, 10_000, timeout=30) == ["page"] * 10_000
