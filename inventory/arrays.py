"""Array parameters for the statements that write many rows at once (`unnest(%s::numeric[])`).

psycopg adapts a Python list element by element in Python; a posting sends about twenty
arrays, and their adaptation took longer than the server took to run the statement. The
literal `{1,2.5,-3}` is one string, cast by the statement (`%s::bigint[]`, `%s::numeric[]`).
"""

from collections.abc import Iterable
from decimal import Decimal


def number_array(values: Iterable[int | Decimal]) -> str:
    """The PostgreSQL array literal of `values` (integers or finite decimals)."""
    return "{" + ",".join(map(str, values)) + "}"
