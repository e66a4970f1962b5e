"""Report rows from one SQL statement, with what a report page and its exports ask of a queryset:
`count()`, `order_by()`, slicing (a page) and `iterator()` (an export, read in chunks through a
server-side cursor). For reports whose figures are joins of aggregates the ORM cannot express
without a subquery per row."""

from collections.abc import Iterator, Sequence

from django.db import connection


class SqlRows:
    """The rows of `sql` (a SELECT; `params` its parameters) as dicts. `columns`: the names a
    sort may use (each a column of the SELECT); a sort key is a name, "-" first for descending.

    `sql` may hold `PAGE` once, at the end of a subquery whose columns include the sort's: the
    sort, and for a page its LIMIT and OFFSET, are put there too, so that the page is cut
    before what the outer query joins to each row (the outer query sorts the page again)."""

    PAGE = " /*page*/"

    def __init__(
        self,
        sql: str,
        params: Sequence = (),
        *,
        columns: Sequence[str],
        ordering: Sequence[str] = (),
        count: tuple[str, Sequence] | None = None,
    ):
        """`count`: a cheaper statement (and its parameters) that counts the same rows."""
        self.sql, self.params, self.columns, self.ordering = sql, list(params), tuple(columns), tuple(ordering)
        self.count_query = count

    def order_by(self, *keys: str) -> "SqlRows":
        for key in keys:
            if key.lstrip("-") not in self.columns:
                raise ValueError(f"cannot sort by {key!r}")
        return SqlRows(self.sql, self.params, columns=self.columns, ordering=keys, count=self.count_query)

    def _order_sql(self) -> str:
        if not self.ordering:
            return ""
        terms = [
            f"{key[1:]} DESC NULLS LAST" if key.startswith("-") else f"{key} ASC NULLS FIRST" for key in self.ordering
        ]
        return " ORDER BY " + ", ".join(terms)

    def _sql(self, page: str = "") -> str:
        """The statement, sorted, with `page` (a LIMIT and OFFSET) where the rows are cut."""
        order = self._order_sql()
        if self.PAGE in self.sql:
            return self.sql.replace(self.PAGE, f"{order}{page}") + order
        return f"{self.sql}{order}{page}"

    def count(self) -> int:
        every = self.sql.replace(self.PAGE, "")
        sql, params = self.count_query or (f"SELECT count(*) FROM ({every}) AS rows", self.params)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def _fetch(self, sql: str, params: list) -> list[dict]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("SqlRows takes slices only")
        start = index.start or 0
        limit = "" if index.stop is None else f" LIMIT {max(index.stop - start, 0):d}"
        return self._fetch(self._sql(f"{limit} OFFSET {start:d}"), self.params)

    def __iter__(self) -> Iterator[dict]:
        return iter(self._fetch(self._sql(), self.params))

    def iterator(self, chunk_size: int = 2000) -> Iterator[dict]:
        """Every row, read `chunk_size` at a time through a server-side cursor (bounded memory)."""
        with connection.chunked_cursor() as cursor:
            cursor.execute(self._sql(), self.params)
            names = [column.name for column in cursor.description]
            while rows := cursor.fetchmany(chunk_size):
                for row in rows:
                    yield dict(zip(names, row, strict=True))
