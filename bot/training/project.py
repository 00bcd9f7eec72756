"""Where an assistant's files are: this checkout, or a copy of it.

Every retraining function takes a Project instead of assuming this checkout, so tests (and
one day a web page working on a staging copy) never touch the real data files.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from bot import settings


@dataclass(frozen=True)
class Project:
    """The files of one assistant, all under `root`."""

    root: Path

    @classmethod
    def default(cls) -> Project:
        """This checkout (models in BOT_MODELS_DIR or models/)."""
        return cls(settings.PROJECT_ROOT)

    @classmethod
    def at(cls, root: Optional[Path]) -> Project:
        """The project at `root`, or this checkout when `root` is None."""
        if root is None:
            return cls.default()
        root = Path(root).resolve()
        if not (root / "domain.yml").is_file() or not (root / "data").is_dir():
            from bot.errors import BadInput

            raise BadInput(f"{root} is not an assistant project (no domain.yml and data/).")
        return cls(root)

    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def domain(self) -> Path:
        return self.root / "domain.yml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def nlu_dir(self) -> Path:
        return self.root / "data" / "nlu"

    @property
    def rules(self) -> Path:
        return self.root / "data" / "rules.yml"

    @property
    def stories(self) -> Path:
        return self.root / "data" / "stories.yml"

    @property
    def heldout(self) -> Path:
        return self.root / settings.HELDOUT_FILE

    @property
    def models_dir(self) -> Path:
        if self.root == settings.PROJECT_ROOT:
            return settings.models_dir()
        return self.root / "models"

    def nlu_files(self) -> List[Path]:
        return sorted(self.nlu_dir.glob("*.yml"))

    def show(self, path: Path) -> str:
        """A path as staff should read it: relative to the project root when inside it."""
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)

    def copy_to(self, target: Path) -> Project:
        """Copy what training and evaluation read (config, domain, data, held-out set)."""
        target = Path(target).resolve()
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.config, target / "config.yml")
        shutil.copy2(self.domain, target / "domain.yml")
        shutil.copytree(self.data, target / "data", dirs_exist_ok=True)
        (target / "tests" / "nlu").mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.heldout, target / settings.HELDOUT_FILE)
        return Project(target)
