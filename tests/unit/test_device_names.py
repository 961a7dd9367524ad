"""A run's device name is matched to the hardware registry by data (device_names), never by code."""

from claimbench.load.evidence import hardware_from_device_name
from claimbench.load.registry import list_hardware
from claimbench.schema.hardware import HardwareSpec


def test_the_longest_fragment_wins_so_an_h200_is_not_read_as_an_h20():
    assert hardware_from_device_name("NVIDIA H200") == "nvidia-h200-sxm"
    assert hardware_from_device_name("NVIDIA H20") == "nvidia-h20"


def test_a_910b_name_is_left_unknown_because_its_tflops_bin_cannot_be_told():
    assert hardware_from_device_name("Ascend910B3") is None
    assert hardware_from_device_name("Ascend910_9392") == "ascend-910c"


def test_a_cpu_backend_is_the_cpu_host_and_no_name_is_unknown():
    assert hardware_from_device_name("anything", vendor="cpu") == "cpu-host"
    assert hardware_from_device_name(None) is None


def test_a_new_chip_is_recognised_from_its_file_alone():
    base = list_hardware()
    new = HardwareSpec.model_validate(
        {"id": "acme-x1", "vendor": "Acme", "name": "X1", "device_names": ["acme x1"], "sources": []}
    )
    assert hardware_from_device_name("ACME X1 96GB", hardware=base) is None
    assert hardware_from_device_name("ACME X1 96GB", hardware=[*base, new]) == "acme-x1"  # spaces ignored
