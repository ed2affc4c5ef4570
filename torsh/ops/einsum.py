"""einsum: sums of products over the labels of an Einstein-notation equation.

A composition of diagonal, sum, permute, reshape and matmul (so its gradient comes from those
ops); nothing here computes elements itself. The operands must share one dtype, and bool is
refused wherever a matmul is needed, as PyTorch does. The other products are in `products.py`.
"""
from __future__ import annotations

import math

from .._core.errors import InvalidArgument, InvalidArgumentRuntime, ShapeMismatch
from ._op import public
from .matmul import matmul
from .products import refuse_bool, same_dtype


# einsum('ij,jk->ik', a, b) in four steps:
#   1. parse the equation into one list of labels per operand (a label per dim; the dims under
#      '...' get labels '.0', '.1', ... aligned at the right) and the output's labels;
#   2. a label repeated within one operand reads the diagonal ('ii->i');
#   3. fold the operands left to right: labels both sides share and nobody needs later are
#      contracted with one matmul, shared labels still needed are batch dims, the others ride
#      along; a label that only one side has and nobody needs is summed first;
#   4. permute the result into the output's order.

_ELLIPSIS = "..."


@public("einsum", method=False)
def einsum(*args):
    """Sum of products over the labels of an Einstein-notation equation.

    out[output labels] = sum over the other labels of prod_n operand_n[its labels]. Also
    accepts a list of operands, and the sublist form einsum(a, [0, 1], b, [1, 2], [0, 2]).
    """
    if args and isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    if not operands:
        raise InvalidArgument("einsum(): must specify the equation string and at least one "
                              "operand, or at least one operand and its subscripts list")
    same_dtype("einsum()", *operands)
    terms, output = _parse_equation(equation, len(operands))
    terms, output = _name_ellipsis_dims(terms, output, operands)
    pending = [_take_diagonals(x, labels, n) for n, (x, labels) in
               enumerate(zip(operands, terms))]
    _check_sizes(pending)
    result, labels = pending[0]
    if len(pending) == 1:
        result, labels = _sum_out(result, labels, keep=output)
    for n in range(1, len(pending)):
        later = set(output).union(*(set(ls) for _, ls in pending[n + 1:]))
        result, labels = _contract(result, labels, *pending[n], later)
    return result.permute([labels.index(label) for label in output])


def _sublist_equation(args):
    """einsum(a, [0, 1], b, [1, 2], [0, 2]) -> ('AB,BC->AC', [a, b])."""
    def letters(sublist):
        out = []
        for s in sublist:
            if s is Ellipsis:
                out.append(_ELLIPSIS)
            elif isinstance(s, int) and 0 <= s < 52:
                out.append(chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26))
            else:
                raise InvalidArgument("einsum(): subscript in subscript list is not within the "
                                      "valid range [0, 52)")
        return "".join(out)
    output = "->" + letters(args[-1]) if len(args) % 2 else ""
    pairs = args[:len(args) - len(args) % 2]
    return ",".join(letters(s) for s in pairs[1::2]) + output, list(pairs[0::2])


def _parse_equation(equation, count):
    """'ij,j...->i...' -> ([['i', 'j'], ['j', '...']], ['i', '...']); output None if implicit."""
    terms, current, output, i = [], [], None, 0
    while i < len(equation):
        if equation.startswith(_ELLIPSIS, i):
            if _ELLIPSIS in current:
                owner = "output" if output is not None else f"operand {len(terms)}"
                raise InvalidArgumentRuntime(f"einsum(): found '.' for {owner} for which an "
                                             f"ellipsis was already found")
            current.append(_ELLIPSIS)
            i += 3
            continue
        if equation.startswith("->", i) and output is None:
            terms.append(current)
            current = output = []
            i += 2
            continue
        c = equation[i]
        if c.isascii() and c.isalpha():
            current.append(c)
        elif c == "," and output is None:
            terms.append(current)
            current = []
        elif c == ".":
            raise InvalidArgumentRuntime(f"einsum(): found '.' for operand {len(terms)} that is "
                                         f"not part of any ellipsis")
        elif c != " ":
            raise InvalidArgumentRuntime(f"einsum(): invalid subscript given at index {i} in "
                                         f"the equation string, subscripts must be in [a-zA-Z]")
        i += 1
    if output is None:
        terms.append(current)
    if len(terms) != count:
        which = "fewer" if count < len(terms) else "more"
        raise InvalidArgumentRuntime(f"einsum(): {which} operands were provided than specified "
                                     f"in the equation")
    return terms, output


def _name_ellipsis_dims(terms, output, operands):
    """Give every dim a label ('.0', '.1', ... under '...') and settle the output's labels."""
    widths = []
    for n, (term, x) in enumerate(zip(terms, operands)):
        letters = len(term) - term.count(_ELLIPSIS)
        if _ELLIPSIS not in term and letters != x.ndim:
            raise InvalidArgumentRuntime(f"einsum(): the number of subscripts in the equation "
                                         f"({letters}) does not match the number of dimensions "
                                         f"({x.ndim}) for operand {n} and no ellipsis was given")
        if letters > x.ndim:
            raise InvalidArgumentRuntime(f"einsum(): the number of subscripts in the equation "
                                         f"({letters}) is more than the number of dimensions "
                                         f"({x.ndim}) for operand {n}")
        widths.append(x.ndim - letters)
    width = max(widths)
    ellipsis = [f".{k}" for k in range(width)]

    def expand(term, own_width):
        at = term.index(_ELLIPSIS) if _ELLIPSIS in term else len(term)
        return term[:at] + ellipsis[width - own_width:] + term[at + 1:]
    terms = [expand(term, w) for term, w in zip(terms, widths)]
    letters = [label for term in terms for label in term if not label.startswith(".")]
    if output is None:   # implicit: the '...' dims, then labels used once, alphabetically
        return terms, ellipsis + sorted(label for label in set(letters)
                                        if letters.count(label) == 1)
    for label in output:
        if label != _ELLIPSIS and label not in letters:
            raise InvalidArgumentRuntime(f"einsum(): output subscript {label} does not appear "
                                         f"in the equation for any input operand")
        if output.count(label) > 1:
            raise InvalidArgumentRuntime(f"einsum(): output subscript {label} appears more "
                                         f"than once in the output")
    return terms, expand(output, width) if _ELLIPSIS in output else output


def _take_diagonals(x, labels, n):
    """A label repeated within one operand reads its diagonal: x[i, i] for 'ii'."""
    labels = list(labels)
    for label in dict.fromkeys(labels):
        while labels.count(label) > 1:
            first = labels.index(label)
            second = labels.index(label, first + 1)
            if x.shape[first] != x.shape[second]:
                raise ShapeMismatch(f"einsum(): subscript {label} is repeated for operand {n} "
                                    f"but the sizes don't match, {x.shape[second]} != "
                                    f"{x.shape[first]}")
            x = x.diagonal(0, first, second)   # the diagonal becomes the last dim
            labels = [lb for d, lb in enumerate(labels) if d not in (first, second)] + [label]
    return x, labels


def _check_sizes(operands):
    """Each label has one size across the operands, up to broadcasting of size 1."""
    seen = {}
    for n, (x, labels) in enumerate(operands):
        for label, size in zip(labels, x.shape):
            previous = seen.setdefault(label, size)
            if size != previous and 1 not in (size, previous):
                what = (f"dimension {label[1:]} covered by ellipsis" if label.startswith(".")
                        else f"subscript {label}")
                raise ShapeMismatch(f"einsum(): {what} has size {size} for operand {n} which "
                                    f"does not broadcast with previously seen size {previous}")
            if previous == 1:
                seen[label] = size


def _sum_out(x, labels, keep):
    dims = [d for d, label in enumerate(labels) if label not in keep]
    if not dims:
        return x, labels
    return x.sum(dims), [label for label in labels if label in keep]


def _contract(a, labels_a, b, labels_b, later):
    """sum over the shared labels not in `later` of a * b; returns the result and its labels."""
    dtype = a.dtype
    a, labels_a = _sum_out(a, labels_a, set(labels_b) | later)
    b, labels_b = _sum_out(b, labels_b, set(labels_a) | later)
    a, b = a.to(dtype), b.to(dtype)     # sums of integers come back as int64
    batch = [label for label in labels_a if label in labels_b and label in later]
    summed = [label for label in labels_a if label in labels_b and label not in later]
    only_a = [label for label in labels_a if label not in labels_b]
    only_b = [label for label in labels_b if label not in labels_a]
    size = dict(zip(labels_a, a.shape))
    for label, n in zip(labels_b, b.shape):
        size[label] = n if size.get(label, 1) == 1 else size[label]
    # A summed dim of size 1 on one side broadcasts: expand it, then reshape to matrices.
    a = a.expand([size[label] if label in summed else n for label, n in zip(labels_a, a.shape)])
    b = b.expand([size[label] if label in summed else n for label, n in zip(labels_b, b.shape)])
    k = math.prod(size[label] for label in summed)
    rows = math.prod(size[label] for label in only_a)
    columns = math.prod(size[label] for label in only_b)
    left = a.permute([labels_a.index(label) for label in batch + only_a + summed])
    left = left.reshape(list(left.shape[:len(batch)]) + [rows, k])
    right = b.permute([labels_b.index(label) for label in batch + summed + only_b])
    right = right.reshape(list(right.shape[:len(batch)]) + [k, columns])
    if summed:
        refuse_bool("bmm", left)
        product = matmul(left, right)
    else:
        product = left * right     # k = 1: an outer product per batch
    shape = [size[label] for label in batch + only_a + only_b]
    return product.reshape(shape), batch + only_a + only_b
