from tests.moderation.conftest import finalised, in_moderation, panel2, rep2, scored  # noqa: F401
