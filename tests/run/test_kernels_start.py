"""A warm kernel that dies at start (two kernels started at once can pick the same free port,
"Address already in use") is started again once, with new ports, instead of failing its theme."""

from __future__ import annotations

import pytest

from signaal.run import kernels


class Starts:
    """Stand-in kernels: the first ``dying`` starts die as a port clash makes them die."""

    def __init__(self, dying: int):
        self.dying, self.started = dying, 0

    def __call__(self, kernel_name: str):
        self.started += 1
        if self.started <= self.dying:
            raise RuntimeError("Kernel died before replying to kernel_info")
        kernel = type("Kernel", (), {})()
        kernel.key = (kernel_name, kernels._settings())
        kernel.fresh = lambda cwd: None
        kernel.shutdown = lambda: None
        return kernel


@pytest.fixture(autouse=True)
def no_kernel(monkeypatch):
    monkeypatch.setattr(kernels, "_kernel", None)


def test_a_kernel_that_dies_at_start_is_started_again_once(monkeypatch):
    starts = Starts(dying=1)
    monkeypatch.setattr(kernels, "WarmKernel", starts)
    kernel = kernels.take("signaal", ".")
    assert starts.started == 2 and kernels.take("signaal", ".") is kernel  # and then reused


def test_a_kernel_that_dies_twice_fails_its_notebook(monkeypatch):
    starts = Starts(dying=2)
    monkeypatch.setattr(kernels, "WarmKernel", starts)
    with pytest.raises(RuntimeError, match="Kernel died"):
        kernels.take("signaal", ".")
    assert starts.started == 2 and kernels._kernel is None
