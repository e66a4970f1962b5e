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
    before what the outer query joins to each row (the outer query sorts the page again).

    Or it may hold `CUT` once, at the end of a subquery whose columns include `cut_columns`:
    when a page is asked and the sort's first key is one of those, the subquery keeps only the
    rows up to the page's end by that key, ties included (`FETCH FIRST … WITH TIES`), before
    the outer query joins what its later keys need (names) and sorts and cuts the page. A cut
    column given as "-name" is cut by only when the sort is descending by it (the subquery may
    then hold only the rows that can come first). `END` (anywhere) is the number of rows the cut
    keeps, NULL when there is no cut: the statement may check that the cut kept that many."""

    PAGE = " /*page*/"
    CUT = " /*cut*/"
    END = " /*end*/"

    def __init__(
        self,
        sql: str,
        params: Sequence = (),
        *,
        columns: Sequence[str],
        ordering: Sequence[str] = (),
        count: tuple[str, Sequence] | None = None,
        cut_columns: Sequence[str] = (),
    ):
        """`count`: a cheaper statement (and its parameters) that counts the same rows."""
        self.sql, self.params, self.columns, self.ordering = sql, list(params), tuple(columns), tuple(ordering)
        self.count_query = count
        self.cut_columns = tuple(cut_columns)

    def order_by(self, *keys: str) -> "SqlRows":
        for key in keys:
            if key.removeprefix("-") not in self.columns:
                raise ValueError(f"cannot sort by {key!r}")
        return SqlRows(
            self.sql,
            self.params,
            columns=self.columns,
            ordering=keys,
            count=self.count_query,
            cut_columns=self.cut_columns,
        )

    def _order_sql(self, keys: Sequence[str] | None = None) -> str:
        keys = self.ordering if keys is None else keys
        if not keys:
            return ""
        terms = [f"{key[1:]} DESC NULLS LAST" if key.startswith("-") else f"{key} ASC NULLS FIRST" for key in keys]
        return " ORDER BY " + ", ".join(terms)

    def _sql(self, page: str = "", end: int | None = None) -> str:
        """The statement, sorted, with `page` (a LIMIT and OFFSET, ending at row `end`) where
        the rows are cut."""
        order = self._order_sql()
        first = self.ordering[0] if self.ordering else ""
        cuts = {first, first.removeprefix("-")} & set(self.cut_columns)
        cut = self.CUT in self.sql and end is not None and bool(cuts)
        if cut:
            kept = f"{self._order_sql([first])} FETCH FIRST {end:d} ROWS WITH TIES"
            sql = self.sql.replace(self.CUT, kept).replace(self.END, f" {end:d}")
        else:
            sql = self._uncut()
        if self.PAGE in sql:
            return sql.replace(self.PAGE, f"{order}{page}") + order
        return f"{sql}{order}{page}"

    def _uncut(self) -> str:
        return self.sql.replace(self.CUT, "").replace(self.END, " NULL")

    def count(self) -> int:
        every = self._uncut().replace(self.PAGE, "")
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
        end = None if index.stop is None else max(index.stop, start)
        return self._fetch(self._sql(f"{limit} OFFSET {start:d}", end), self.params)

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
