"""Find the migrations, the bundled seeds and the SQL cookbook, installed or in a checkout.

A wheel carries them inside the package (``exodb/_data/``); an editable install or a plain
checkout finds them at the top of the repository, where contributors edit them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _data_dir(name: str) -> Path:
    packaged = Path(str(resources.files("exodb"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"exodb cannot find its {name}/ folder (looked in {packaged} and {checkout}); "
        "reinstall the package"
    )


def migrations_dir() -> Path:
    """The Alembic script folder."""
    return _data_dir("alembic")


def seeds_dir() -> Path:
    """The folder of bundled seed CSV files."""
    return _data_dir("seeds")


def cookbook_path() -> Path:
    """The SQL cookbook (docs/cookbook.md in a checkout), whose queries the web UI offers."""
    packaged = Path(str(resources.files("exodb"))) / "_data" / "cookbook.md"
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "docs" / "cookbook.md"
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(
        f"exodb cannot find its SQL cookbook (looked in {packaged} and {checkout}); "
        "reinstall the package"
    )
