"""The words lawyers use for what a statute names otherwise: "Lok Sabha" is the Constitution of India's "House
of the People". Pure.

`with_aliases(question)` appends the statute's own name for each lay name the question uses (and does not
already spell out), so retrieval and the on-point score read both: without it a question about the Lok
Sabha's term never reaches Art. 83, whose text says only "the House of the People". A question that names
none is returned as it is.
"""
from __future__ import annotations

import re

# lay or political name -> the statute's name (Constitution of India)
ALIASES = {
    "lok sabha": "House of the People",
    "rajya sabha": "Council of States",
    "vidhan sabha": "Legislative Assembly",
    "vidhan parishad": "Legislative Council",
    "president's rule": "failure of constitutional machinery in States",
    "cji": "Chief Justice of India",
    "ews": "economically weaker sections",
}
PATTERN = re.compile(r"\b(" + "|".join(re.escape(name) for name in ALIASES) + r")\b", re.IGNORECASE)


def with_aliases(question: str) -> str:
    """The question, with the statute's name of each lay name it uses appended in brackets."""
    flat = question.replace("’", "'")
    wanted = dict.fromkeys(ALIASES[m.group(1).lower()] for m in PATTERN.finditer(flat))
    missing = [name for name in wanted if name.lower() not in flat.lower()]
    return f"{question} ({'; '.join(missing)})" if missing else question
