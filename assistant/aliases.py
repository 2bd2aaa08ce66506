"""The words lawyers and their clients use for what a statute names otherwise: "Lok Sabha" is the Constitution
of India's "House of the People", a worker "fired" is one "dismissed". Pure.

`with_aliases(question)` appends the statute's own name for each lay name the question uses (and does not
already spell out), so retrieval and the on-point score read both: without it a question about the Lok
Sabha's term never reaches Art. 83, whose text says only "the House of the People". A question that names
none is returned as it is.
"""
from __future__ import annotations

import re

# lay or political name -> the statute's name (Constitution of India)
NAMES = {
    "lok sabha": "House of the People",
    "rajya sabha": "Council of States",
    "vidhan sabha": "Legislative Assembly",
    "vidhan parishad": "Legislative Council",
    "mla": "member of the Legislative Assembly",
    "mlas": "members of the Legislative Assembly",
    "president's rule": "failure of constitutional machinery in States",
    "national emergency": "Proclamation of Emergency",
    "cji": "Chief Justice of India",
    "apex court": "Supreme Court",
    "ews": "economically weaker sections",
    "obc": "backward classes",
    "obcs": "backward classes",
    "dalit": "Scheduled Castes",
    "dalits": "Scheduled Castes",
    "adivasi": "Scheduled Tribes",
    "adivasis": "Scheduled Tribes",
    "dpo": "data protection officer",
}
# lay words -> the words statutes use for them
WORDS = {
    "free speech": "freedom of speech and expression",
    "death penalty": "sentence of death",
    "death sentence": "sentence of death",
    "bonded labour": "forced labour",
    "child labour": "child employed",
    "right to vote": "adult suffrage",
    "fire": "dismiss",
    "fired": "dismissed",
    "sack": "dismiss",
    "sacked": "dismissed",
    "data breach": "personal data breach",
}
ALIASES = {**NAMES, **WORDS}
PATTERN = re.compile(r"\b(" + "|".join(re.escape(name) for name in sorted(ALIASES, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def with_aliases(question: str) -> str:
    """The question, with the statute's name of each lay name it uses appended in brackets."""
    flat = question.replace("’", "'")
    wanted = dict.fromkeys(ALIASES[m.group(1).lower()] for m in PATTERN.finditer(flat))
    missing = [name for name in wanted if name.lower() not in flat.lower()]
    return f"{question} ({'; '.join(missing)})" if missing else question
