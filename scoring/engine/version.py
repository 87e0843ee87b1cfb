"""The engine's version, stored with a finalised result so the numbers can be traced to the code."""

ENGINE_VERSION = "1.0.0"
