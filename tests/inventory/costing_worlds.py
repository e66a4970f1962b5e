"""Random small worlds for the costing's hypothesis tests: two warehouses, three products, and
histories of documents of every type, processed and cancelled in random order."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from hypothesis import strategies as st

from accounts.catalogue import ADMINISTRATOR
from inventory.errors import DocumentStateError, InsufficientStock
from inventory.models import DocumentType, InventorySettings
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document

D = Decimal
WAREHOUSES, PRODUCTS = 2, 3
# What processing or cancelling may refuse with (and then change nothing).
REFUSALS = (DocumentStateError, InsufficientStock, ValidationError)
NEGATIVE = ("allow_negative_write_off", "allow_negative_transfer", "allow_negative_sales_order")

quantities = st.one_of(
    st.integers(1, 12).map(D), st.decimals(D("0.001"), D(20), places=3, allow_nan=False, allow_infinity=False)
)
counted = st.one_of(
    st.integers(0, 12).map(D), st.decimals(D(0), D(20), places=3, allow_nan=False, allow_infinity=False)
)
prices = st.one_of(
    st.just(D(0)),
    st.integers(1, 300).map(D),
    st.decimals(D("0.01"), D(300), places=2, allow_nan=False, allow_infinity=False),
    st.integers(1000, 20000).map(D),  # far from the others: a wrong average shows
)
# ("post", type, warehouse, {product: (quantity, counted, price)}): a new document, processed.
post = st.tuples(
    st.just("post"),
    st.sampled_from([t for t in DocumentType.values if t != DocumentType.RETURN]),  # a return: test_returns
    st.integers(0, WAREHOUSES - 1),
    st.dictionaries(st.integers(0, PRODUCTS - 1), st.tuples(quantities, counted, prices), min_size=1, max_size=3),
)
negative = st.tuples(st.booleans(), st.booleans(), st.booleans())  # the NEGATIVE settings


def histories(*, posts: int, redos: int, documents: int, max_size: int):
    """Lists of actions: `post`, or ("process" | "cancel", n) for the n-th document (modulo their
    number, n below `documents`), `posts` to `redos` in weight."""
    redo = st.tuples(st.sampled_from(["process", "cancel", "cancel"]), st.integers(0, documents))
    return st.lists(st.one_of(*[post] * posts, *[redo] * redos), min_size=1, max_size=max_size)


class World:
    """A hypothesis TestCase's world: a clerk with the administrator role, the warehouses and
    products, and documents made from `post` actions."""

    @classmethod
    def setUpTestData(cls):
        cls.clerk = UserFactory(roles=[ADMINISTRATOR])
        cls.warehouses = WarehouseFactory.create_batch(WAREHOUSES)
        cls.products = [ProductFactory(purchase_price=price) for price in (D("10.00"), D("0.00"), D("33.33"))]

    @staticmethod
    def use(method, negative) -> None:
        InventorySettings.objects.update_or_create(
            id=1, defaults={"costing_method": method, **dict(zip(NEGATIVE, negative, strict=True))}
        )

    def create(self, doc_type, warehouse, lines):
        def line(product, quantity, count, price):
            if doc_type == DocumentType.STOCK_COUNT:
                return (self.products[product], count)
            return (self.products[product], quantity, price)

        return make_document(
            doc_type,
            by=self.clerk,
            warehouse=self.warehouses[warehouse],
            destination=self.warehouses[1 - warehouse] if doc_type == DocumentType.TRANSFER else None,
            lines=[line(p, *values) for p, values in lines.items()],
        )
