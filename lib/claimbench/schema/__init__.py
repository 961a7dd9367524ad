"""Typed records shared by every layer (pydantic models and dataclasses): no I/O."""
