"""Energy meter: fake RAPL counters, fake power backends, and the unavailable path."""

from __future__ import annotations

import time

from claimbench.measurement.energy import EnergyMeter, NpuSmiBackend, RaplBackend, measure_available


def _zone(root, name, uj, wrap=1_000_000):
    z = root / name
    z.mkdir()
    (z / "energy_uj").write_text(str(uj))
    (z / "max_energy_range_uj").write_text(str(wrap))
    return z


def test_rapl_counters_are_differenced_and_summed_over_packages(tmp_path):
    z0 = _zone(tmp_path, "intel-rapl:0", 100)
    z1 = _zone(tmp_path, "intel-rapl:1", 500)
    _zone(tmp_path, "intel-rapl:0:0", 0)  # a sub-zone: not added twice
    m = EnergyMeter(RaplBackend(str(tmp_path)), interval_s=0.01).start()
    (z0 / "energy_uj").write_text(str(100 + 300_000))  # +300,000 uJ
    (z1 / "energy_uj").write_text(str(500 + 700_000))  # +700,000 uJ
    r = m.stop()
    assert r.joules == 1.0 and r.source == "rapl (counter)" and r.n_devices == 2 and r.reason is None


def test_rapl_counter_wraparound_uses_the_max_range(tmp_path):
    z = _zone(tmp_path, "intel-rapl:0", 900_000, wrap=1_000_000)
    m = EnergyMeter(RaplBackend(str(tmp_path)), interval_s=0.01).start()
    (z / "energy_uj").write_text("100000")  # wrapped: 900,000 -> 1,000,000 -> 100,000 = 200,000 uJ
    assert m.stop().joules == 0.2


def test_no_rapl_gives_null_with_a_reason(tmp_path):
    r = EnergyMeter("rapl", rapl_root=str(tmp_path)).start().stop()
    assert r.joules is None and "no RAPL" in r.reason


class _ConstantPower:
    name, kind, n_devices = "fake", "power", 1

    def open(self):
        pass

    def power_w(self):
        return 100.0

    def close(self):
        pass


def test_sampled_power_is_integrated_over_the_run():
    m = EnergyMeter(_ConstantPower(), interval_s=0.01).start()
    time.sleep(0.2)
    r = m.stop()
    assert abs(r.joules - 100.0 * r.duration_s) < 1e-6  # same interval: a late stop lengthens both
    assert r.mean_power_w is not None and abs(r.mean_power_w - 100.0) < 1e-6
    assert r.n_samples >= 3


def test_npu_smi_power_lines_are_parsed():
    out = "        Power Dissipation(W)           : 93.4\n"
    assert NpuSmiBackend.parse_power(out) == 93.4
    b = NpuSmiBackend([0, 1], runner=lambda cmd: out)
    b.open()
    assert b.power_w() == 186.8


def test_on_this_vm_auto_either_measures_or_says_why_not():
    ok, what = measure_available()
    r = EnergyMeter().start().stop()
    if ok:
        assert r.joules is not None or r.reason
    else:
        assert r.joules is None and r.reason and "rapl" in r.reason
