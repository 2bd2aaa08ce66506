"""The page tests' corpus: four Markdown documents with front-matter metadata, and one new ruling."""
from __future__ import annotations

from pathlib import Path

INDEX = "test"
DOCS = {
    "constitution.md": """---
title: Constitution of India
citation: Constitution of India
kind: statute
jurisdiction: IN
date: 1950-01-26
in_force: true
---
Article 14. Equality before law
The State shall not deny to any person equality before the law or the equal protection of the laws within the territory of India.

Article 19. Protection of certain rights regarding freedom of speech
All citizens shall have the right to freedom of speech and expression. All citizens shall have the right to assemble peaceably and without arms.

Article 21. Protection of life and personal liberty
No person shall be deprived of his life or personal liberty except according to procedure established by law. This protection extends to every person within India.
""",
    "maneka.md": """---
title: Maneka Gandhi v. Union of India
citation: (1978) 1 SCC 248
kind: case
jurisdiction: IN
date: 1978-01-25
---
The petitioner's passport was impounded by the government without giving reasons or a hearing.

The procedure established by law must be fair, just and reasonable, not arbitrary or oppressive.

The right to travel abroad is part of the freedom of movement of a citizen.
""",
    "civil_code.md": """---
title: Civil Code of the People's Republic of China
citation: PRC Civil Code
kind: statute
jurisdiction: CN
date: 2020-05-28
in_force: true
---
Article 3. The personal rights, property rights and other lawful rights and interests of civil subjects are protected by law and no organisation or individual may infringe upon them.

Article 7. Civil subjects shall act in good faith in civil activities, upholding honesty and keeping their commitments.
""",
    "repealed_act.md": """---
title: Old Rent Control Act
citation: Old Rent Control Act
kind: statute
jurisdiction: IN
date: 1948-03-01
in_force: false
---
Section 4. A landlord shall not charge rent above the standard rent fixed under this Act for any premises.
""",
}

NEW_RULING = """---
title: Puttaswamy v. Union of India
citation: (2017) 10 SCC 1
kind: case
jurisdiction: IN
date: 2017-08-24
---
Privacy is a constitutionally protected right which emerges primarily from the guarantee of life and personal liberty.

Informational privacy is a facet of the right to privacy and the state must protect personal data.
"""


def build(home: Path, corpus: Path) -> Path:
    from assistant.ingest import ingest
    from assistant.settings import Settings

    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    ingest([str(corpus)], Settings(home=home, embedder="hashing", model="scripted"), name=INDEX)
    return home
