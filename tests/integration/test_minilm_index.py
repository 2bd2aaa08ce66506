"""Real MiniLM (and e5) embeddings through the index and the retriever, on thirty constitutional articles."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.embed import get_embedder
from assistant.index import build_index, open_index
from assistant.retrieve import Retriever
from assistant.settings import Settings
from tests.conftest import make_passage

ARTICLES = {
    "Art. 12": "In this Part, unless the context otherwise requires, the State includes the Government and Parliament "
    "of India and the Government and the Legislature of each of the States.",
    "Art. 13": "All laws in force in the territory of India immediately before the commencement of this Constitution, "
    "in so far as they are inconsistent with the provisions of this Part, shall, to the extent of such "
    "inconsistency, be void.",
    "Art. 14": "The State shall not deny to any person equality before the law or the equal protection of the laws "
    "within the territory of India.",
    "Art. 15": "The State shall not discriminate against any citizen on grounds only of religion, race, caste, sex, "
    "place of birth or any of them.",
    "Art. 16": "There shall be equality of opportunity for all citizens in matters relating to employment or "
    "appointment to any office under the State.",
    "Art. 17": "Untouchability is abolished and its practice in any form is forbidden. The enforcement of any "
    "disability arising out of Untouchability shall be an offence punishable in accordance with law.",
    "Art. 18": "No title, not being a military or academic distinction, shall be conferred by the State.",
    "Art. 19": "All citizens shall have the right to freedom of speech and expression; to assemble peaceably and "
    "without arms; to form associations or unions; to move freely throughout the territory of India.",
    "Art. 20": "No person shall be convicted of any offence except for violation of a law in force at the time of the "
    "commission of the act charged as an offence. No person shall be prosecuted and punished for the same offence "
    "more than once.",
    "Art. 21": "No person shall be deprived of his life or personal liberty except according to procedure "
    "established by law.",
    "Art. 21A": "The State shall provide free and compulsory education to all children of the age of six to fourteen "
    "years in such manner as the State may, by law, determine.",
    "Art. 22": "No person who is arrested shall be detained in custody without being informed, as soon as may be, of "
    "the grounds for such arrest nor shall he be denied the right to consult, and to be defended by, a legal "
    "practitioner of his choice.",
    "Art. 23": "Traffic in human beings and begar and other similar forms of forced labour are prohibited.",
    "Art. 24": "No child below the age of fourteen years shall be employed to work in any factory or mine or engaged "
    "in any other hazardous employment.",
    "Art. 25": "Subject to public order, morality and health, all persons are equally entitled to freedom of "
    "conscience and the right freely to profess, practise and propagate religion.",
    "Art. 26": "Every religious denomination shall have the right to establish and maintain institutions for "
    "religious and charitable purposes and to manage its own affairs in matters of religion.",
    "Art. 29": "Any section of the citizens residing in the territory of India having a distinct language, script or "
    "culture of its own shall have the right to conserve the same.",
    "Art. 30": "All minorities, whether based on religion or language, shall have the right to establish and "
    "administer educational institutions of their choice.",
    "Art. 32": "The right to move the Supreme Court by appropriate proceedings for the enforcement of the rights "
    "conferred by this Part is guaranteed. The Supreme Court shall have power to issue writs, including writs in the "
    "nature of habeas corpus, mandamus, prohibition, quo warranto and certiorari.",
    "Art. 39A": "The State shall secure that the operation of the legal system promotes justice, on a basis of equal "
    "opportunity, and shall provide free legal aid.",
    "Art. 44": "The State shall endeavour to secure for the citizens a uniform civil code throughout the territory "
    "of India.",
    "Art. 48A": "The State shall endeavour to protect and improve the environment and to safeguard the forests and "
    "wild life of the country.",
    "Art. 51A": "It shall be the duty of every citizen of India to abide by the Constitution and respect its ideals "
    "and institutions, the National Flag and the National Anthem.",
    "Art. 72": "The President shall have the power to grant pardons, reprieves, respites or remissions of punishment "
    "or to suspend, remit or commute the sentence of any person convicted of any offence.",
    "Art. 124": "There shall be a Supreme Court of India consisting of a Chief Justice of India and such number of "
    "other Judges as Parliament may by law prescribe.",
    "Art. 226": "Every High Court shall have power to issue to any person or authority directions, orders or writs "
    "for the enforcement of any of the rights conferred by Part III and for any other purpose.",
    "Art. 300A": "No person shall be deprived of his property save by authority of law.",
    "Art. 324": "The superintendence, direction and control of the preparation of the electoral rolls for, and the "
    "conduct of, all elections to Parliament shall be vested in the Election Commission.",
    "Art. 352": "If the President is satisfied that a grave emergency exists whereby the security of India is "
    "threatened by war or external aggression or armed rebellion, he may make a Proclamation of Emergency.",
    "Art. 368": "Parliament may in exercise of its constituent power amend by way of addition, variation or repeal any "
    "provision of this Constitution in accordance with the procedure laid down in this article.",
}


@pytest.fixture(scope="module")
def minilm():
    return get_embedder("minilm")


@pytest.fixture(scope="module")
def articles():
    return [make_passage("in/coi", i, label, text, date="1950-01-26", in_force=True)
            for i, (label, text) in enumerate(ARTICLES.items())]


@pytest.fixture(scope="module")
def retriever(minilm, articles, tmp_path_factory):
    folder = tmp_path_factory.mktemp("minilm") / "index"
    report = build_index(folder, articles, minilm, chunker_version="test")
    assert report.embedded == len(articles)
    return Retriever(open_index(folder, "minilm"), minilm, Settings(home=folder.parent, k=5))


def test_minilm_vectors_are_normalised(minilm):
    vectors = minilm.embed_passages(["equality before the law", "freedom of speech"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert minilm.embed_queries([]).shape == (0, 384)


def test_minilm_vectors_equal_sentence_transformers_own(minilm):
    """The embedder runs the model's recipe on transformers; sentence-transformers itself must agree."""
    from sentence_transformers import SentenceTransformer

    from assistant.embed.minilm import model_path

    texts = ["equality before the law", "Art. 21 Protection of life and personal liberty " * 40,  # > 256 pieces
             "", "Can I go to the Supreme Court to enforce my fundamental rights?"] * 9  # more than one batch
    reference = SentenceTransformer(model_path(), device="cpu")
    reference.max_seq_length = minilm.max_tokens
    expected = reference.encode(texts, batch_size=minilm.batch_size, normalize_embeddings=True)
    assert np.allclose(minilm.embed_passages(texts), expected, atol=1e-5)
    assert np.allclose(minilm.embed_queries(texts[3:4]), expected[3:4], atol=1e-5)


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_right_to_life_question_finds_article_21(retriever, mode):
    hits = retriever.search("What does the Constitution say about the right to life and personal liberty?", mode=mode)
    top = 1 if mode == "hybrid" else 2  # dense alone: Art. 19 (freedoms) and Art. 21 are within 0.01 cosine
    assert any(h.passage.cite.endswith("Art. 21") for h in hits[:top])
    assert max(h.dense for h in hits[:top]) > 0.5


def test_batched_questions(retriever):
    results = retriever.search_many(["Can I go to the Supreme Court to enforce my fundamental rights?",
                                     "Is child labour in factories allowed?"], k=1)
    assert [r[0].passage.cite.split(", ")[-1] for r in results] == ["Art. 32", "Art. 24"]


def test_count_tokens_matches_the_tokenizer(minilm):
    from transformers import AutoTokenizer

    from assistant.embed.minilm import model_path

    tokenizer = AutoTokenizer.from_pretrained(model_path())
    long_text = " ".join(ARTICLES.values())
    for text in ["", "Art. 21", ARTICLES["Art. 32"], long_text]:
        assert minilm.count_tokens(text) == len(tokenizer(text)["input_ids"])
    assert minilm.count_tokens(long_text) > minilm.max_tokens  # counted, not truncated


def test_e5_embeds_chinese_and_finds_the_article(tmp_path):
    e5 = get_embedder("e5")
    texts = ["建立劳动关系，应当订立书面劳动合同。", "劳动合同期限三个月以上不满一年的，试用期不得超过一个月。",
             "夫妻一方要求离婚的，可以由有关组织进行调解或者直接向人民法院提起离婚诉讼。"]
    passages = [make_passage(f"cn/{i}", 0, "第一条", t, language="zh", jurisdiction="CN") for i, t in enumerate(texts)]
    vectors = e5.embed_passages([p.text for p in passages])
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert e5.count_tokens(passages[0].text) > 5
    build_index(tmp_path / "e5", passages, e5)
    retriever = Retriever(open_index(tmp_path / "e5", "e5"), e5, Settings(home=tmp_path, k=1))
    assert retriever.search("我想离婚应该怎么办", mode="dense")[0].passage == passages[2]


# The Constitution's own words for the Houses: a lawyer says "Lok Sabha", Art. 83 says "House of the People".
TERMS = {
    "Art. 83": "The House of the People, unless sooner dissolved, shall continue for five years from the date "
    "appointed for its first meeting and no longer and the expiration of the said period of five years shall operate "
    "as a dissolution of the House: Provided that the said period may, while a Proclamation of Emergency is in "
    "operation, be extended by Parliament by law for a period not exceeding one year at a time and not extending in "
    "any case beyond a period of six months after the Proclamation has ceased to operate.",
    "Art. 172": "Every Legislative Assembly of every State, unless sooner dissolved, shall continue for five years "
    "from the date appointed for its first meeting and no longer and the expiration of the said period of five years "
    "shall operate as a dissolution of the Assembly: Provided that the said period may, while a Proclamation of "
    "Emergency is in operation, be extended by Parliament by law for a period not exceeding one year at a time.",
    "Art. 250": "Notwithstanding anything in this Chapter, Parliament shall, while a Proclamation of Emergency is in "
    "operation, have power to make laws for the whole or any part of the territory of India with respect to any of "
    "the matters enumerated in the State List.",
}


def test_a_lay_name_for_a_house_finds_the_article_that_uses_the_statute_s_name(minilm, articles, tmp_path, monkeypatch):
    import assistant.retrieve

    extra = [make_passage("in/coi", len(articles) + i, label, text) for i, (label, text) in enumerate(TERMS.items())]
    build_index(tmp_path / "index", articles + extra, minilm, chunker_version="test")
    retriever = Retriever(open_index(tmp_path / "index", "minilm"), minilm, Settings(home=tmp_path, k=5))
    question = "Can Parliament extend the term of the Lok Sabha during an emergency?"
    assert retriever.search(question)[0].passage.cite.endswith("Art. 83")

    def art83_bm25() -> float:
        hits = retriever.search(question, k=10, mode="lexical")
        return next((h.lexical for h in hits if h.passage.cite.endswith("Art. 83")), 0.0)

    named = art83_bm25()
    monkeypatch.setattr(assistant.retrieve, "with_aliases", lambda q: q)  # the question's words alone
    assert art83_bm25() < named  # "House of the People", Art. 83's own words, only through the alias


def test_a_case_named_by_its_party_comes_first_and_alone_answers(minilm, articles, tmp_path):
    """Real MiniLM, FAISS and SQLite: "Bommai" names S.R. Bommai v. Union of India; Maneka Gandhi's question is not
    answered by A.K. Gopalan's holding, though the model may quote it."""
    from assistant.verify import check

    cases = [make_passage(f"in/case/{i}", 0, "para 1", text, title=title, kind="case") for i, (title, text) in enumerate([
        ("S.R. Bommai v. Union of India", "Curbed arbitrary misuse of President's Rule under Article 356, establishing "
         "that proclamation is subject to judicial review."),
        ("A.K. Gopalan v. State of Madras", "Initial narrow interpretation of Article 21 restricting procedure "
         "established by law strictly to enacted statutory procedure."),
        ("Maneka Gandhi v. Union of India", "Expanded Article 21 to mandate that procedure established by law must be "
         "just, fair and reasonable."),
    ])]
    folder = tmp_path / "index"
    build_index(folder, articles + cases, minilm, chunker_version="test")
    retriever = Retriever(open_index(folder, "minilm"), minilm, Settings(home=tmp_path, k=5))
    [first, *_] = retriever.search("What limits did S.R. Bommai place on President's Rule?")
    assert first.named and first.passage.title.startswith("S.R. Bommai")
    question = "What did Maneka Gandhi v. Union of India decide about procedure established by law?"
    hits = retriever.search(question)
    assert hits[0].named and hits[0].passage.title.startswith("Maneka Gandhi")
    gopalan = next(n for n, h in enumerate(hits, start=1) if h.passage.title.startswith("A.K. Gopalan"))
    verdict = check(question, f"{cases[1].text} [{gopalan}]", hits)
    assert [c.cite for c in verdict.citations] == ["Maneka Gandhi v. Union of India, para 1"]
