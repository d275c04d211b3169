"""The chapters ask before they answer, and the first four do not spoil the bug hunt.

Read from the MyST sources in book/, so these run in the fast unit stage (no build, no kernel):
- every write-it-yourself exercise runs in this order: the exercise (with a label), the stub `def my_x(...)`
  raising NotImplementedError, the check cell `check_x(my_x)`, the solution dropdown (the course's `my_x` and the
  same check), then a hidden `remove-cell` that asserts the solution passes;
- no code cell above a stub, outside solutions, already implements what the stub asks for (compared statement by
  statement with the solution's body, up to renaming);
- chapters 1-4 never mention the program the course grew from: chapter 5 shows it, after the hunt.
"""

import difflib
import io
import keyword
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(BOOK.glob("0[1-9]_*.md"))
BLOCK = re.compile(r"^```\{([\w-]+)\}([^\n]*)\n(.*?)^```[ \t]*$", flags=re.M | re.S)
STUB = re.compile(r"^def (my_\w+)\(", flags=re.M)
# An earlier cell implements a stub if it holds half of the solution's statements exactly (up to renaming), or
# 70 % of the solution's tokens in order (e.g. `v = beta * state.get("v", 0.0) + g` for `v_new = beta * v + g`).
# Measured on the chapters before the exercise-first rewrite: the cells that solved a stub scored 0.71 (06), 0.76
# (04), 0.78 (02, cross-entropy) and 0.85 to 1.0 (01, 02 softmax, 03, 07); after it, no cell above a stub scores
# more than 0.65 (generic lines such as `Z = sigmoid(X @ W + b)` in an unrelated cell).
COVERED = 0.7


@dataclass
class Block:
    kind: str  # code-cell, exercise, solution-start, solution-end, ...
    arg: str
    body: str
    line: int
    in_solution: bool = False

    @property
    def code(self):
        """The code of a code cell without its options (`:tags:` lines or a YAML header)."""
        text = self.body
        if text.startswith("---\n"):
            text = text.split("\n---\n", 1)[1]
        return "\n".join(line for line in text.splitlines() if not line.startswith(":")) + "\n"

    @property
    def tags(self):
        found = re.search(r"^:?tags: \[(.*?)\]", self.body, flags=re.M)
        return [tag.strip() for tag in found.group(1).split(",")] if found else []

    @property
    def label(self):
        found = re.search(r"^:label: (\S+)", self.body, flags=re.M)
        return found.group(1) if found else None


def blocks(text):
    """The fenced directives of a MyST page in order; code cells inside a solution are marked."""
    found, inside = [], False
    for match in BLOCK.finditer(text):
        block = Block(match.group(1), match.group(2).strip(), match.group(3), text.count("\n", 0, match.start()) + 1)
        if block.kind == "solution-start":
            inside = True
        elif block.kind == "solution-end":
            inside = False
        block.in_solution = inside
        found.append(block)
    return found


def stubs(page_blocks):
    """(index, name) of every code cell outside a solution that defines a stub raising NotImplementedError."""
    return [
        (i, STUB.search(b.code).group(1))
        for i, b in enumerate(page_blocks)
        if b.kind == "code-cell" and not b.in_solution and STUB.search(b.code) and "NotImplementedError" in b.code
    ]


def statements(source):
    """Each logical line of `source` as a token string, names renamed in order of first appearance in the line.

    Attribute names (after a dot), keywords, numbers and operators are kept, so `Z = sigmoid(X @ W + b)` and
    `Z = my_sigmoid(X @ W + b)` give the same string, `E.sum(axis=1)` and `E.max(axis=1)` do not. Comments,
    docstrings, `def`/`return`-only lines and lines of fewer than six tokens are left out.
    """
    out, line, names, previous = [], [], {}, None
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError):
        return out
    for tok in tokens:
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if len(line) >= 6 and line[0] not in ("def", "class") and not line[0].startswith(("'", '"')):
                out.append(" ".join(line))
            line, names, previous = [], {}, None
            continue
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
            continue
        text = tok.string
        if tok.type == tokenize.NAME and not keyword.iskeyword(text) and previous != ".":
            text = names.setdefault(text, f"v{len(names)}")
        line.append(text)
        previous = tok.string
    return out


def coverage(wanted, have):
    """Share of the tokens of the statements `wanted` that appear, in order, in the statements `have`."""
    one, other = " ".join(wanted).split(), " ".join(have).split()
    matcher = difflib.SequenceMatcher(None, one, other, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(one), 1)


def function_body(source, name):
    """The source of the function `name` defined in `source` (its def line to the next top-level line)."""
    found = re.search(rf"^def {name}\(.*?(?=^\S|\Z)", source, flags=re.M | re.S)
    return found.group(0) if found else ""


def copies(page_blocks):
    """(stub name, line of the earlier cell, shared statements) where an earlier cell implements a stub."""
    found = []
    for index, name in stubs(page_blocks):
        solution = next(
            (b for b in page_blocks[index:] if b.kind == "code-cell" and b.in_solution and f"def {name}(" in b.code),
            None,
        )
        if solution is None:
            continue
        wanted = statements(function_body(solution.code, name))
        for earlier in page_blocks[:index]:
            if earlier.kind != "code-cell" or earlier.in_solution:
                continue
            have = statements(earlier.code)
            shared = [s for s in wanted if s in have]
            if wanted and (len(shared) * 2 >= len(wanted) or coverage(wanted, have) >= COVERED):
                found.append((name, earlier.line, shared))
    return found


def order_problems(page_blocks):
    """What is out of order around each stub: exercise, stub, check, solution (stub + check), hidden assert."""
    problems = []
    for index, name in stubs(page_blocks):
        check = re.compile(rf"\bcheck_\w+\(\s*{name}\b")
        before = [b for b in page_blocks[:index] if b.kind == "exercise"]
        label = before[-1].label if before else None
        if label is None:
            problems.append(f"{name}: no labelled exercise above the stub")
        after = page_blocks[index + 1 :]
        if not after or after[0].kind != "code-cell" or not check.search(after[0].code):
            problems.append(f"{name}: the cell after the stub is not its check `check_x({name})`")
            continue
        start = next((i for i, b in enumerate(after) if b.kind == "solution-start"), None)
        if start is None or after[start].arg.split()[0:1] != [label]:
            problems.append(f"{name}: no solution for exercise {label} after the check")
            continue
        end = next((i for i, b in enumerate(after) if i > start and b.kind == "solution-end"), None)
        inside = [b for b in after[start + 1 : end] if b.kind == "code-cell"] if end else []
        if not any(f"def {name}(" in b.code and check.search(b.code) for b in inside):
            problems.append(f"{name}: the solution does not define {name} and run the same check")
        following = [b for b in after[end + 1 :] if b.kind == "code-cell"] if end else []
        hidden = following[0] if following else None
        if hidden is None or "remove-cell" not in hidden.tags or "assert" not in hidden.code:
            problems.append(f"{name}: no hidden remove-cell assert right after the solution")
        elif name not in hidden.code:
            problems.append(f"{name}: the hidden assert after the solution does not test {name}")
    return problems


# What only the program the course grew from has: its source, its author's notes, its own numbers and names.
SPOILERS = re.compile(
    r"original (code|program|notes|post|author|loop)|\bblog\b|starting material|grew from|\bseed's\b|"
    r"\bseed-style\b|\bthe seed\b(?! ?=)|\bseed (program|code|loop|setting)|10e-7|the notes (that|it)",
    flags=re.I,
)


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_runs_exercise_stub_check_solution_assert(page):
    assert order_problems(blocks(page.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_no_code_above_a_stub_implements_it(page):
    assert copies(blocks(page.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("page", CHAPTERS[:4], ids=lambda p: p.stem)
def test_chapters_1_to_4_do_not_mention_the_original_program(page):
    text = page.read_text(encoding="utf-8")
    hits = [(text.count("\n", 0, m.start()) + 1, m.group(0)) for m in SPOILERS.finditer(text)]
    assert hits == []


def test_the_stubs_are_found():
    names = {name for page in CHAPTERS for _, name in stubs(blocks(page.read_text(encoding="utf-8")))}
    assert {"my_sigmoid", "my_forward", "my_softmax", "my_backward", "my_momentum_step"} <= names, names


# ---- the rules can fail: a page that breaks each of them ----

BAD_PAGE = """
```{code-cell} ipython3
Z = sigmoid(X @ W + b)
A = Z @ V + c
E = np.exp(A - A.max(axis=1, keepdims=True))
Y = E / E.sum(axis=1, keepdims=True)
```

```{exercise}
:label: ex-forward

Write the forward pass.
```

```{code-cell} ipython3
def my_forward(X, W, b, V, c):
    raise NotImplementedError
```

```{code-cell} ipython3
check_forward(my_forward)
```

```{solution-start} ex-forward
:class: dropdown
```

```{code-cell} ipython3
def my_forward(X, W, b, V, c):
    Z = my_sigmoid(X @ W + b)  # renamed, still the same statement
    A = Z @ V + c
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return Z, E / E.sum(axis=1, keepdims=True)


check_forward(my_forward)
```

```{solution-end}
```
"""


def test_copy_rule_can_fail():
    found = copies(blocks(BAD_PAGE))
    assert [(name, line) for name, line, _ in found] == [("my_forward", 2)]
    assert len(found[0][2]) == 3


def test_order_rule_can_fail():
    assert order_problems(blocks(BAD_PAGE)) == ["my_forward: no hidden remove-cell assert right after the solution"]
    unlabelled = BAD_PAGE.replace(":label: ex-forward\n", "")
    assert "my_forward: no labelled exercise above the stub" in order_problems(blocks(unlabelled))
    first_check = "check_forward(my_forward)\n```\n\n```{solution-start}"
    no_check = BAD_PAGE.replace(first_check, "print(1)\n```\n\n```{solution-start}")
    assert "my_forward: the cell after the stub is not its check `check_x(my_forward)`" in order_problems(
        blocks(no_check)
    )


def test_spoiler_rule_can_fail():
    assert SPOILERS.search("The original code this course grew from called forward(X, W1, b1, W2, b1).")
    assert SPOILERS.search("the seed's learning rate of 10e-7")
    assert not SPOILERS.search("each from its own seed, rng = np.random.default_rng(seed); the seed = 0")


MOMENTUM_PAGE = """
```{code-cell} ipython3
def momentum_update(theta, g, state, lr, beta=0.9):
    v = beta * state.get("v", 0.0) + g
    return theta - lr * v, {"v": v}
```

```{exercise}
:label: ex-momentum

One momentum step.
```

```{code-cell} ipython3
def my_momentum_step(theta, v, g, lr, beta):
    raise NotImplementedError
```

```{code-cell} ipython3
check_momentum(my_momentum_step)
```

```{solution-start} ex-momentum
```

```{code-cell} ipython3
def my_momentum_step(theta, v, g, lr, beta):
    v_new = beta * v + g
    return theta - lr * v_new, v_new


check_momentum(my_momentum_step)
```

```{solution-end}
```

```{code-cell} ipython3
:tags: [remove-cell]

assert check_momentum(my_momentum_step).passed
```
"""


def test_copy_rule_sees_a_rewritten_copy():
    assert order_problems(blocks(MOMENTUM_PAGE)) == []
    assert [(name, line) for name, line, _ in copies(blocks(MOMENTUM_PAGE))] == [("my_momentum_step", 2)]
    moved = MOMENTUM_PAGE.replace("def momentum_update", "def unrelated(x):\n    return x + 1\n\n\ndef momentum_update")
    assert copies(blocks(moved.replace("v = beta * state", "w = 0 * state").replace("lr * v,", "lr,"))) == []


def test_chapter_5_describes_its_copy_truly():
    """What `This copy and the original` says about the page's program is what the program does."""
    text = (BOOK / "05_bughunt.md").read_text(encoding="utf-8")
    cells = [b.code for b in blocks(text) if b.kind == "code-cell"]
    program = next(code for code in cells if "\ndef train(" in code)
    assert "def train(X, labels, epochs=2000, lr=10e-7, M=3):" in program
    assert "if epoch % 200 == 0:" in program and "np.random.randn(" in program
    assert any("snn.datasets.gaussian_clouds(500, seed=0)" in code for code in cells[: cells.index(program)])
    copy = text[text.index("## This copy and the original") : text.index("(bughunt-kinds)=")]
    for claim in ("100 000 epochs, the copy for 2000", "every 100 epochs", "every\n  200 epochs", "seed=0"):
        assert claim in copy, claim
    intro = text[: text.index("## Run it")]
    assert "far fewer epochs than the original" in intro and "{ref}`bughunt-copy`" in intro
