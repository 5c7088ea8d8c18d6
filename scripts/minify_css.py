"""Makes index.html's inline stylesheet smaller before its hash is taken (scripts/csp-meta.py
calls it): comments out, runs of white space down to one space, and no space around `{ } ; , >` or
after `:`. Text inside quotes is left as it is.

The stylesheet keeps its comments in style/main.css; in the page they cost about 1.5 KB
gzipped of a download that has a budget. Only white space, comments and a rule's last `;` are
removed, and that is checked on every build: with all white space taken out, the result equals
the source with its comments and those `;` taken out, or the build stops."""
import re

# Quoted strings first, so a `/*` or a space inside quotes is never touched.
TOKENS = re.compile(r"(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')|(/\*.*?\*/)", re.S)


def _squeeze(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ?([{};,>]) ?", r"\1", text)
    # After a colon only: before one, a space can matter (`.card :focus`), after one it cannot.
    return text.replace(": ", ":")


def minify(css: str) -> str:
    out, plain, pos = [], [], 0
    for match in TOKENS.finditer(css):
        plain.append(css[pos : match.start()])
        if match.group(1):  # a string: what came before is squeezed, the string is kept
            out.append(_squeeze("".join(plain)))
            out.append(match.group(1))
            plain = []
        else:  # a comment: dropped, as if it were a space
            plain.append(" ")
        pos = match.end()
    plain.append(css[pos:])
    out.append(_squeeze("".join(plain)))
    result = "".join(out).replace(";}", "}").strip()
    without_comments = TOKENS.sub(lambda m: m.group(1) or "", css)
    if re.sub(r"\s", "", result) != re.sub(r"\s", "", without_comments).replace(";}", "}"):
        raise ValueError("minifying the stylesheet changed more than white space and comments")
    return result


def minify_inline_styles(html: str) -> str:
    """Every inline <style> of `html`, minified."""
    pattern = re.compile(r"(<style(?:\s[^>]*)?>)(.*?)(</style)", re.S | re.I)
    return pattern.sub(lambda m: m.group(1) + minify(m.group(2)) + m.group(3), html)
