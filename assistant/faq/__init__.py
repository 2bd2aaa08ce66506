"""Answer a file of questions in one batch: `answer_file(input, output, assistant)`.

inputs.py reads CSV/TSV, XLSX, JSONL or plain text; outputs.py writes CSV, JSONL or XLSX that survive
interruption and resume; report.py renders Markdown or HTML; run.py holds the loop and `FaqSummary`.
"""
from assistant.faq.inputs import read_questions
from assistant.faq.outputs import COLUMNS
from assistant.faq.run import FaqSummary, answer_file

__all__ = ["COLUMNS", "FaqSummary", "answer_file", "read_questions"]
