"""Measurement: workload, load plans, the streaming client, engines, the runner, platform, energy,
calibration and its reference server. The only layer that starts processes and opens sockets."""
