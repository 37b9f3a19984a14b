"""The domain: exact numbers and the operations every other layer builds on.

Nothing here knows about networks.  :mod:`~symmorse.exact.numbers` converts user
numbers to exact rationals (and rational constants to rigorous balls),
:mod:`~symmorse.exact.linalg` is the one small interface to exact rational linear
algebra (python-flint ``fmpq_mat``), :mod:`~symmorse.exact.expressions` parses user
text with a whitelist, :mod:`~symmorse.exact.limits` bounds time and memory, and
:mod:`~symmorse.exact.errors` holds the one exception hierarchy the CLI maps to exit
code 2.  Both the search and the kernels import from here, and from nowhere else in
symmorse.
"""
