"""Book headings glued to the end of an article's text move into the path of the articles after it."""
from assistant.corpus.prc import article_units, split_books


def row(no: str, text: str, chapter: str = "第一章 一般规定") -> dict:
    return {"article_no": no, "article_text": text, "chapter": chapter, "section": None}


def test_split_books_cuts_trailing_headings_only():
    text, found = split_books("期间的计算方法依照本法的规定。\n第二编 物 权\n第一分编 通 则")
    assert text == "期间的计算方法依照本法的规定。" and found == ["第二编 物权", "第一分编 通则"]
    assert split_books("第二编的规定适用于本章。") == ("第二编的规定适用于本章。", [])


def test_books_carry_into_following_paths_and_reset_parts():
    units = article_units([
        row("第二百零四条", "期间的计算方法依照本法的规定。\n第二编 物 权\n第一分编 通 则", "第十章 期间计算"),
        row("第二百零五条", "本编调整因物的归属和利用产生的民事关系。\n第五分编 占 有"),
        row("第四百六十二条", "占有的不动产或者动产被侵占的，占有人有权请求返还原物。\n第三编 合 同"),
        row("第四百六十三条", "本编调整因合同产生的民事关系。"),
    ])
    assert units[0].path == ("第十章 期间计算", "第二百零四条") and "物 权" not in units[0].text
    assert units[1].path == ("第二编 物权", "第一分编 通则", "第一章 一般规定", "第二百零五条")
    assert units[2].path[:2] == ("第二编 物权", "第五分编 占有")
    assert units[3].path == ("第三编 合同", "第一章 一般规定", "第四百六十三条")
