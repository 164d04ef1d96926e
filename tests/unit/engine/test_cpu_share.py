"""The engine's thread count against the CPU other processes use (app.engine.cpu_share)."""

from __future__ import annotations

from app.engine.cpu_share import MIN_INTERVAL, CpuShare, Times, read_times


class Machine:
    """CPU time counters that the test advances: ``run(seconds, others=…, own=…)`` on ``cores`` cores."""

    def __init__(self, cores: int) -> None:
        self.cores = cores
        self.now = 0.0
        self.times = Times(busy=0.0, total=0.0, own=0.0)

    def run(self, seconds: float, *, others: float = 0.0, own: float = 0.0) -> None:
        self.now += seconds
        busy = (others + own) * seconds
        self.times = Times(self.times.busy + busy, self.times.total + self.cores * seconds, self.times.own + own * seconds)


def share(machine: Machine) -> CpuShare:
    return CpuShare(machine.cores, read=lambda: machine.times, clock=lambda: machine.now)


def test_an_idle_machine_gets_every_thread_asked_for():
    machine = Machine(2)
    cpu = share(machine)
    machine.run(1.0, own=2.0)  # the engine itself busy on both cores
    assert cpu.look() and cpu.others == 0.0
    assert cpu.threads(2) == 2


def test_one_core_busy_elsewhere_leaves_one_thread_and_it_comes_back():
    machine = Machine(2)
    cpu = share(machine)
    machine.run(1.0, others=0.8, own=1.2)
    assert cpu.look() and abs(cpu.others - 0.8) < 1e-9
    assert cpu.threads(2) == 1
    machine.run(1.0, own=2.0)
    cpu.look()
    assert cpu.threads(2) == 2


def test_light_background_use_keeps_all_threads_and_a_big_machine_keeps_its_own_limit():
    machine = Machine(2)
    cpu = share(machine)
    machine.run(1.0, others=0.3, own=1.7)
    cpu.look()
    assert cpu.threads(2) == 2
    big = Machine(16)
    cpu = share(big)
    big.run(1.0, others=10.0, own=6.0)
    cpu.look()
    assert cpu.threads(8) == 6
    big.run(1.0, others=16.0)
    cpu.look()
    assert cpu.threads(8) == 1, "never fewer than one thread"


def test_looks_closer_than_the_interval_are_skipped():
    machine = Machine(2)
    cpu = share(machine)
    machine.run(MIN_INTERVAL / 2, others=2.0)
    assert not cpu.look() and cpu.others == 0.0
    machine.run(MIN_INTERVAL, others=2.0)
    assert cpu.look() and cpu.others == 2.0


def test_the_real_counters_read_and_grow():
    first = read_times()
    sum(i * i for i in range(200_000))
    second = read_times()
    assert second.total >= first.total and second.own >= first.own > 0
    assert 0 <= second.busy <= second.total
