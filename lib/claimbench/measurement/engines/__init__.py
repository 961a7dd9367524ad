"""Engines that produce per-request timing records: in-process vLLM, `vllm serve`, any endpoint."""
