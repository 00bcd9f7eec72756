"""Build the project's spaCy pipeline: blank English, lookup lemmatizer, entity ruler.

No official spaCy model can be installed here, and nothing may be downloaded at run time,
so the pipeline is made from files in the repository and spacy-lookups-data (an installed
package). The lemma tables are saved inside the pipeline, so loading it needs nothing else.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from bot import settings
from bot.nlp.patterns import PATTERNS_FILE, spacy_patterns

PIPELINE_NAME = "en_ir_careers"


def source_fingerprint() -> str:
    """Fingerprint of everything the pipeline is built from."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update(PATTERNS_FILE.read_bytes())
    return digest.hexdigest()[:16]


def build(target: Path | None = None, force: bool = False) -> Path:
    """Build the pipeline into `target` unless an identical build is already there."""
    target = target or settings.spacy_pipeline_dir()
    stamp = target / "ir_careers_fingerprint.txt"
    fingerprint = source_fingerprint()
    if not force and stamp.exists() and stamp.read_text().strip() == fingerprint:
        return target

    import spacy  # imported late: it is slow, and the up-to-date case does not need it

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    ruler: Any = nlp.add_pipe(
        "entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}
    )
    ruler.add_patterns(spacy_patterns())
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "IR careers assistant: lemmatizer and entity ruler"

    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(tmp)
    (tmp / stamp.name).write_text(fingerprint + "\n")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)  # swap in whole, so a running server never sees half a pipeline
    return target
