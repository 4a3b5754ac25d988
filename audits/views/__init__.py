from . import agency, public

__all__ = ["agency", "public"]
