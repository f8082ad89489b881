"""``python -m zerotsuku download``: fetch and cache the full MNIST set.

The same command line as ``python -m zerotsuku.mnist``; see that module.
"""

from .mnist import main

raise SystemExit(main(prog="python -m zerotsuku"))
