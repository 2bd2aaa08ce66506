"""One source of truth for choices: the CLI and the page take every choice list from Settings and the registries
(retrieve.MODES, types.Kind, generate.NAMES, corpus PACKS), never from a list written beside them."""
import ast
from pathlib import Path
from typing import get_args

import pytest

from assistant.cli import settings_choices
from assistant.corpus.files import SUFFIXES
from assistant.corpus.packs import PACKS
from assistant.faq.inputs import INPUT_SUFFIXES
from assistant.retrieve import MODES
from assistant.settings import PRESETS
from assistant.types import Kind

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "assistant" / "cli.py", *sorted((ROOT / "ui").glob("*.py"))]


def known_values() -> set[str]:
    values = {v for choices in settings_choices().values() for v in choices}
    values |= {suffix.lstrip(".") for suffix in SUFFIXES + INPUT_SUFFIXES}  # file types the readers take
    return values | set(MODES) | set(get_args(Kind)) | set(PRESETS) | {p.jurisdiction for p in PACKS.values()}


def hand_written_choices(source: str, known: set[str]) -> list[str]:
    """Literal lists/tuples/sets of two or more strings, two or more of them known option values, and any
    `choices=` given as a literal sequence."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg == "choices" and isinstance(node.value, (ast.List, ast.Tuple)):
            found.append(f"line {node.value.lineno}: choices={ast.unparse(node.value)}")
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and len(node.elts) >= 2:
            strings = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(strings) == len(node.elts) and len(known.intersection(strings)) >= 2:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_choice_list_is_written_by_hand(path):
    assert hand_written_choices(path.read_text(encoding="utf-8"), known_values()) == []


def test_the_scan_finds_a_restated_list():
    known = known_values()
    assert hand_written_choices('KINDS = ["statute", "case", "other"]', known)
    assert hand_written_choices('p.add_argument("--mode", choices=("a", "b"))', known)
    assert hand_written_choices('MODELS = ("qwen-0.5b", "openai")', known)
    assert hand_written_choices('TYPES = ("csv", "xlsx")', known)
    assert not hand_written_choices('TABS = ["Ask", "Add rulings"]', known)


def test_the_sidebar_offers_the_registered_values():
    from assistant.generate import NAMES
    from ui import sidebar

    assert tuple(sidebar.MODELS) == NAMES
    assert set(sidebar.KINDS) == set(get_args(Kind))
    assert set(sidebar.JURISDICTIONS) == {p.jurisdiction for p in PACKS.values()}
